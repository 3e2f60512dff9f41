<?xml version="1.0" encoding="utf-8"?>
<!--
  feeder: feed.xsl renders an RSS 2.0 or Atom 1.0 feed as a readable Swedish page when someone
  opens the feed address in a browser. Feed readers ignore it. XSLT 1.0 only, no script, no
  external resources. Item bodies (sanitised HTML, escaped in the feed) are shown as plain text:
  tags are stripped here and never output as markup. Times are shown in Europe/Stockholm time
  (EU summer time rules), in the same form as the rest of feeder: "12 juni 2026 kl. 12.00".
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:content="http://purl.org/rss/1.0/modules/content/"
    exclude-result-prefixes="atom dc content">

  <xsl:output method="html" encoding="utf-8" indent="no" doctype-system="about:legacy-compat"/>

  <xsl:variable name="css">
    *{box-sizing:border-box}
    body{margin:0;background:#fff;color:#1b1b1b;
      font:17px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
    .page{max-width:48rem;margin:0 auto;padding:1rem}
    a{color:#0b3f78;text-underline-offset:.15em}
    a:focus-visible,input:focus-visible{outline:3px solid #1b1b1b;outline-offset:2px}
    h1{font-size:1.6rem;line-height:1.25;margin:.5rem 0}
    h2{font-size:1.3rem;margin:2rem 0 .5rem}
    h3{font-size:1.1rem;line-height:1.3;margin:0 0 .25rem}
    .about{margin:1rem 0;padding:1rem;border:2px solid #1d4f91;border-radius:.4rem;background:#e8f0fa}
    .about h2{margin-top:0}
    .about ol{padding-left:1.4rem;margin:.5rem 0}
    label{display:block;font-weight:700;margin-top:.75rem}
    input{width:100%;font:inherit;padding:.4rem .5rem;border:2px solid #1b1b1b;border-radius:.3rem;
      background:#fff;color:#1b1b1b}
    .formats{margin:.75rem 0 0}
    .meta{margin:.1rem 0 .4rem;font-size:.9375rem;color:#3d3d3d}
    .level{font-weight:700;color:#1b1b1b}
    ol.items{list-style:none;margin:0;padding:0}
    ol.items>li{margin:0;padding:1rem 0;border-top:1px solid #cfcfcf}
    .text p{margin:.3rem 0}
    .empty{padding:.75rem 1rem;background:#f4f4f4}
  </xsl:variable>

  <xsl:template match="/">
    <xsl:choose>
      <xsl:when test="rss/channel">
        <xsl:apply-templates select="rss/channel"/>
      </xsl:when>
      <xsl:when test="atom:feed">
        <xsl:apply-templates select="atom:feed"/>
      </xsl:when>
      <xsl:otherwise>
        <html lang="sv"><head><meta charset="utf-8"/><title>Okänt flöde</title></head>
          <body><p>Det här dokumentet är inget RSS- eller Atom-flöde.</p></body></html>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- RSS 2.0 -->
  <xsl:template match="channel">
    <xsl:call-template name="page">
      <xsl:with-param name="title" select="normalize-space(title)"/>
      <xsl:with-param name="description" select="normalize-space(description)"/>
      <xsl:with-param name="self" select="normalize-space(atom:link[@rel='self']/@href)"/>
      <xsl:with-param name="home" select="normalize-space(link)"/>
      <xsl:with-param name="format" select="'RSS'"/>
      <xsl:with-param name="ext" select="'rss'"/>
      <xsl:with-param name="count" select="count(item)"/>
      <xsl:with-param name="updated">
        <xsl:call-template name="rfc822">
          <xsl:with-param name="date" select="normalize-space(lastBuildDate)"/>
        </xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="item">
    <li>
      <article>
        <h3>
          <xsl:call-template name="title-link">
            <xsl:with-param name="title" select="normalize-space(title)"/>
            <xsl:with-param name="href" select="normalize-space(link)"/>
          </xsl:call-template>
        </h3>
        <p class="meta">
          <xsl:if test="pubDate">
            <xsl:call-template name="rfc822">
              <xsl:with-param name="date" select="normalize-space(pubDate)"/>
            </xsl:call-template>
          </xsl:if>
          <xsl:for-each select="category[starts-with(., 'Nivå ')][1]">
            <xsl:text> · </xsl:text><span class="level"><xsl:value-of select="."/></span>
          </xsl:for-each>
          <xsl:for-each select="dc:creator[1]">
            <xsl:text> · Källa: </xsl:text><xsl:value-of select="."/>
          </xsl:for-each>
        </p>
        <div class="text">
          <xsl:call-template name="paragraphs">
            <xsl:with-param name="html">
              <xsl:choose>
                <xsl:when test="content:encoded"><xsl:value-of select="content:encoded"/></xsl:when>
                <xsl:otherwise><xsl:value-of select="description"/></xsl:otherwise>
              </xsl:choose>
            </xsl:with-param>
          </xsl:call-template>
        </div>
      </article>
    </li>
  </xsl:template>

  <!-- Atom 1.0 -->
  <xsl:template match="atom:feed">
    <xsl:call-template name="page">
      <xsl:with-param name="title" select="normalize-space(atom:title)"/>
      <xsl:with-param name="description" select="normalize-space(atom:subtitle)"/>
      <xsl:with-param name="self" select="normalize-space(atom:link[@rel='self']/@href)"/>
      <xsl:with-param name="home"
          select="normalize-space(atom:link[@rel='alternate' or not(@rel)][1]/@href)"/>
      <xsl:with-param name="format" select="'Atom'"/>
      <xsl:with-param name="ext" select="'atom'"/>
      <xsl:with-param name="count" select="count(atom:entry)"/>
      <xsl:with-param name="updated">
        <xsl:call-template name="iso">
          <xsl:with-param name="date" select="normalize-space(atom:updated)"/>
        </xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="atom:entry">
    <li>
      <article>
        <h3>
          <xsl:call-template name="title-link">
            <xsl:with-param name="title" select="normalize-space(atom:title)"/>
            <xsl:with-param name="href"
                select="normalize-space(atom:link[@rel='alternate' or not(@rel)][1]/@href)"/>
          </xsl:call-template>
        </h3>
        <p class="meta">
          <xsl:call-template name="iso">
            <xsl:with-param name="date" select="normalize-space(atom:published | atom:updated[not(../atom:published)])"/>
          </xsl:call-template>
          <xsl:for-each select="atom:category[starts-with(@label, 'Nivå ')][1]">
            <xsl:text> · </xsl:text><span class="level"><xsl:value-of select="@label"/></span>
          </xsl:for-each>
          <xsl:for-each select="atom:author/atom:name[1]">
            <xsl:text> · Källa: </xsl:text><xsl:value-of select="."/>
          </xsl:for-each>
        </p>
        <div class="text">
          <xsl:call-template name="paragraphs">
            <xsl:with-param name="html">
              <xsl:choose>
                <xsl:when test="atom:content"><xsl:value-of select="atom:content"/></xsl:when>
                <xsl:otherwise><xsl:value-of select="atom:summary"/></xsl:otherwise>
              </xsl:choose>
            </xsl:with-param>
          </xsl:call-template>
        </div>
      </article>
    </li>
  </xsl:template>

  <!-- The page around either format. -->
  <xsl:template name="page">
    <xsl:param name="title"/>
    <xsl:param name="description"/>
    <xsl:param name="self"/>
    <xsl:param name="home"/>
    <xsl:param name="format"/>
    <xsl:param name="ext"/>
    <xsl:param name="count"/>
    <xsl:param name="updated"/>
    <xsl:variable name="base" select="substring($self, 1, string-length($self) - string-length($ext))"/>
    <html lang="sv">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="referrer" content="no-referrer"/>
        <title><xsl:value-of select="$title"/> – nyhetsflöde (<xsl:value-of select="$format"/>)</title>
        <style><xsl:value-of select="$css"/></style>
      </head>
      <body>
        <div class="page">
          <header>
            <p><xsl:if test="$home"><a href="{$home}">Till startsidan</a></xsl:if></p>
            <h1><xsl:value-of select="$title"/></h1>
            <xsl:if test="$description"><p><xsl:value-of select="$description"/></p></xsl:if>
            <xsl:if test="string($updated)">
              <p class="meta">Senast uppdaterat <xsl:value-of select="$updated"/>.</p>
            </xsl:if>
          </header>
          <main>
            <section class="about" aria-labelledby="about">
              <h2 id="about">Det här är ett nyhetsflöde</h2>
              <p>Sidan du tittar på är ett nyhetsflöde i formatet <xsl:value-of select="$format"/>.
                Med en flödesläsare kan du prenumerera på det: då får du nya varningar,
                meddelanden och nyheter automatiskt, utan att behöva besöka webbplatsen.</p>
              <h3>Så här prenumererar du</h3>
              <ol>
                <li>Kopiera flödets adress här nedanför.</li>
                <li>Klistra in den i din flödesläsare, till exempel Feedly, Inoreader,
                  NetNewsWire, Thunderbird eller Outlook (där heter det ofta
                  ”Lägg till prenumeration” eller ”Nytt flöde”).</li>
                <li>Klart. Flödesläsaren hämtar det nya av sig själv.</li>
              </ol>
              <xsl:if test="$self">
                <label for="feed-address">Flödets adress</label>
                <input id="feed-address" type="text" readonly="readonly" value="{$self}"
                    spellcheck="false" autocomplete="off"/>
                <p class="formats">Samma flöde finns i tre format:
                  <a href="{$base}rss" hreflang="sv" type="application/rss+xml">RSS</a>,
                  <a href="{$base}atom" hreflang="sv" type="application/atom+xml">Atom</a> och
                  <a href="{$base}json" hreflang="sv" type="application/feed+json">JSON Feed</a>.</p>
              </xsl:if>
            </section>
            <h2 id="items">Innehåll i flödet</h2>
            <xsl:choose>
              <xsl:when test="$count &gt; 0">
                <ol class="items" aria-labelledby="items">
                  <xsl:apply-templates select="item | atom:entry"/>
                </ol>
              </xsl:when>
              <xsl:otherwise>
                <p class="empty">Flödet är tomt just nu.</p>
              </xsl:otherwise>
            </xsl:choose>
          </main>
        </div>
      </body>
    </html>
  </xsl:template>

  <xsl:template name="title-link">
    <xsl:param name="title"/>
    <xsl:param name="href"/>
    <xsl:variable name="text">
      <xsl:choose>
        <xsl:when test="$title"><xsl:value-of select="$title"/></xsl:when>
        <xsl:otherwise>(utan rubrik)</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:choose>
      <xsl:when test="starts-with($href, 'https://') or starts-with($href, 'http://')">
        <a href="{$href}"><xsl:value-of select="$text"/></a>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$text"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Escaped HTML as plain-text paragraphs: split at </p>, strip tags, decode entities. -->
  <xsl:template name="paragraphs">
    <xsl:param name="html"/>
    <xsl:variable name="chunk">
      <xsl:choose>
        <xsl:when test="contains($html, '&lt;/p&gt;')">
          <xsl:value-of select="substring-before($html, '&lt;/p&gt;')"/>
        </xsl:when>
        <xsl:otherwise><xsl:value-of select="$html"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="stripped">
      <xsl:call-template name="strip-tags">
        <xsl:with-param name="text" select="$chunk"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:variable name="plain">
      <xsl:call-template name="entities">
        <xsl:with-param name="text" select="normalize-space($stripped)"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:if test="string($plain)"><p><xsl:value-of select="$plain"/></p></xsl:if>
    <xsl:if test="contains($html, '&lt;/p&gt;')">
      <xsl:call-template name="paragraphs">
        <xsl:with-param name="html" select="substring-after($html, '&lt;/p&gt;')"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <xsl:template name="strip-tags">
    <xsl:param name="text"/>
    <xsl:choose>
      <xsl:when test="contains($text, '&lt;')">
        <xsl:variable name="tag" select="translate(substring-before(substring-after($text, '&lt;'), '&gt;'), '/', '')"/>
        <xsl:variable name="name">
          <xsl:choose>
            <xsl:when test="contains($tag, ' ')"><xsl:value-of select="substring-before($tag, ' ')"/></xsl:when>
            <xsl:otherwise><xsl:value-of select="$tag"/></xsl:otherwise>
          </xsl:choose>
        </xsl:variable>
        <xsl:value-of select="substring-before($text, '&lt;')"/>
        <!-- Inline tags vanish; any other tag (br, li, headings, ...) separates words. -->
        <xsl:if test="not(contains('|a|abbr|b|code|em|i|span|strong|sub|sup|', concat('|', $name, '|')))">
          <xsl:text> </xsl:text>
        </xsl:if>
        <xsl:call-template name="strip-tags">
          <xsl:with-param name="text" select="substring-after(substring-after($text, '&lt;'), '&gt;')"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$text"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="entities">
    <xsl:param name="text"/>
    <xsl:variable name="a">
      <xsl:call-template name="replace">
        <xsl:with-param name="text" select="$text"/>
        <xsl:with-param name="from" select="'&amp;lt;'"/><xsl:with-param name="to" select="'&lt;'"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:variable name="b">
      <xsl:call-template name="replace">
        <xsl:with-param name="text" select="$a"/>
        <xsl:with-param name="from" select="'&amp;gt;'"/><xsl:with-param name="to" select="'&gt;'"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:variable name="c">
      <xsl:call-template name="replace">
        <xsl:with-param name="text" select="$b"/>
        <xsl:with-param name="from" select="'&amp;quot;'"/><xsl:with-param name="to" select="'&quot;'"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:variable name="d">
      <xsl:call-template name="replace">
        <xsl:with-param name="text" select="$c"/>
        <xsl:with-param name="from" select="'&amp;#39;'"/><xsl:with-param name="to">'</xsl:with-param>
      </xsl:call-template>
    </xsl:variable>
    <xsl:variable name="e">
      <xsl:call-template name="replace">
        <xsl:with-param name="text" select="$d"/>
        <xsl:with-param name="from" select="'&amp;nbsp;'"/><xsl:with-param name="to" select="'&#160;'"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:call-template name="replace">
      <xsl:with-param name="text" select="$e"/>
      <xsl:with-param name="from" select="'&amp;amp;'"/><xsl:with-param name="to" select="'&amp;'"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="replace">
    <xsl:param name="text"/>
    <xsl:param name="from"/>
    <xsl:param name="to"/>
    <xsl:choose>
      <xsl:when test="contains($text, $from)">
        <xsl:value-of select="substring-before($text, $from)"/>
        <xsl:value-of select="$to"/>
        <xsl:call-template name="replace">
          <xsl:with-param name="text" select="substring-after($text, $from)"/>
          <xsl:with-param name="from" select="$from"/>
          <xsl:with-param name="to" select="$to"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$text"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Times. RFC 822 (RSS): "Fri, 12 Jun 2026 07:00:00 +0000". -->
  <xsl:template name="rfc822">
    <xsl:param name="date"/>
    <xsl:variable name="s" select="normalize-space(concat(substring-after($date, ','),
        substring($date, 1, number(not(contains($date, ','))) * string-length($date))))"/>
    <xsl:variable name="r1" select="substring-after($s, ' ')"/>
    <xsl:variable name="r2" select="substring-after($r1, ' ')"/>
    <xsl:variable name="r3" select="substring-after($r2, ' ')"/>
    <xsl:variable name="mon" select="substring-before($r1, ' ')"/>
    <xsl:variable name="clock">
      <xsl:choose>
        <xsl:when test="contains($r3, ' ')"><xsl:value-of select="substring-before($r3, ' ')"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$r3"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="zone" select="substring-after($r3, ' ')"/>
    <xsl:variable name="sign">
      <xsl:choose>
        <xsl:when test="starts-with($zone, '-')">-1</xsl:when>
        <xsl:otherwise>1</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="offset">
      <xsl:choose>
        <xsl:when test="starts-with($zone, '+') or starts-with($zone, '-')">
          <xsl:value-of select="$sign * (number(substring($zone, 2, 2)) * 60 + number(substring($zone, 4, 2)))"/>
        </xsl:when>
        <xsl:otherwise>0</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:call-template name="local">
      <xsl:with-param name="y" select="number(substring-before($r2, ' '))"/>
      <xsl:with-param name="m" select="string-length(substring-before('JanFebMarAprMayJunJulAugSepOctNovDec', $mon)) div 3 + 1"/>
      <xsl:with-param name="d" select="number(substring-before($s, ' '))"/>
      <xsl:with-param name="hh" select="number(substring($clock, 1, 2))"/>
      <xsl:with-param name="mm" select="number(substring($clock, 4, 2))"/>
      <xsl:with-param name="offset" select="number($offset)"/>
    </xsl:call-template>
  </xsl:template>

  <!-- ISO 8601 (Atom): "2026-06-12T09:00:00+00:00" or "...Z". -->
  <xsl:template name="iso">
    <xsl:param name="date"/>
    <xsl:variable name="z" select="substring($date, string-length($date) - 5)"/>
    <xsl:variable name="offset">
      <xsl:choose>
        <xsl:when test="starts-with($z, '+') or starts-with($z, '-')">
          <xsl:value-of select="(1 - 2 * number(starts-with($z, '-'))) * (number(substring($z, 2, 2)) * 60 + number(substring($z, 5, 2)))"/>
        </xsl:when>
        <xsl:otherwise>0</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:if test="string-length($date) &gt;= 16">
      <xsl:call-template name="local">
        <xsl:with-param name="y" select="number(substring($date, 1, 4))"/>
        <xsl:with-param name="m" select="number(substring($date, 6, 2))"/>
        <xsl:with-param name="d" select="number(substring($date, 9, 2))"/>
        <xsl:with-param name="hh" select="number(substring($date, 12, 2))"/>
        <xsl:with-param name="mm" select="number(substring($date, 15, 2))"/>
        <xsl:with-param name="offset" select="number($offset)"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <!-- A moment (civil date and time at a UTC offset in minutes) in Europe/Stockholm. -->
  <xsl:template name="local">
    <xsl:param name="y"/>
    <xsl:param name="m"/>
    <xsl:param name="d"/>
    <xsl:param name="hh"/>
    <xsl:param name="mm"/>
    <xsl:param name="offset"/>
    <xsl:variable name="day">
      <xsl:call-template name="days"><xsl:with-param name="y" select="$y"/>
        <xsl:with-param name="m" select="$m"/><xsl:with-param name="d" select="$d"/></xsl:call-template>
    </xsl:variable>
    <xsl:variable name="utc" select="$day * 1440 + $hh * 60 + $mm - $offset"/>
    <xsl:variable name="mar31">
      <xsl:call-template name="days"><xsl:with-param name="y" select="$y"/>
        <xsl:with-param name="m" select="3"/><xsl:with-param name="d" select="31"/></xsl:call-template>
    </xsl:variable>
    <xsl:variable name="oct31">
      <xsl:call-template name="days"><xsl:with-param name="y" select="$y"/>
        <xsl:with-param name="m" select="10"/><xsl:with-param name="d" select="31"/></xsl:call-template>
    </xsl:variable>
    <!-- Summer time: from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last
         Sunday of October. Day 0 (1970-01-01) was a Thursday, so (day + 4) mod 7 = 0 on Sundays. -->
    <xsl:variable name="dstStart" select="($mar31 - ($mar31 + 4) mod 7) * 1440 + 60"/>
    <xsl:variable name="dstEnd" select="($oct31 - ($oct31 + 4) mod 7) * 1440 + 60"/>
    <xsl:variable name="local" select="$utc + 60 + 60 * number($utc &gt;= $dstStart and $utc &lt; $dstEnd)"/>
    <xsl:if test="$local = $local">
      <xsl:call-template name="civil">
        <xsl:with-param name="z" select="floor($local div 1440)"/>
        <xsl:with-param name="minutes" select="$local - floor($local div 1440) * 1440"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <!-- Days since 1970-01-01 of a civil date (H. Hinnant's algorithm). -->
  <xsl:template name="days">
    <xsl:param name="y"/>
    <xsl:param name="m"/>
    <xsl:param name="d"/>
    <xsl:variable name="yy" select="$y - number($m &lt;= 2)"/>
    <xsl:variable name="era" select="floor($yy div 400)"/>
    <xsl:variable name="yoe" select="$yy - $era * 400"/>
    <xsl:variable name="mp" select="$m + 9 - 12 * number($m &gt; 2)"/>
    <xsl:variable name="doy" select="floor((153 * $mp + 2) div 5) + $d - 1"/>
    <xsl:variable name="doe" select="$yoe * 365 + floor($yoe div 4) - floor($yoe div 100) + $doy"/>
    <xsl:value-of select="$era * 146097 + $doe - 719468"/>
  </xsl:template>

  <!-- "12 juni 2026 kl. 12.00" from a day number and minutes into that day. -->
  <xsl:template name="civil">
    <xsl:param name="z"/>
    <xsl:param name="minutes"/>
    <xsl:variable name="zz" select="$z + 719468"/>
    <xsl:variable name="era" select="floor($zz div 146097)"/>
    <xsl:variable name="doe" select="$zz - $era * 146097"/>
    <xsl:variable name="yoe" select="floor(($doe - floor($doe div 1460) + floor($doe div 36524) - floor($doe div 146096)) div 365)"/>
    <xsl:variable name="doy" select="$doe - (365 * $yoe + floor($yoe div 4) - floor($yoe div 100))"/>
    <xsl:variable name="mp" select="floor((5 * $doy + 2) div 153)"/>
    <xsl:variable name="d" select="$doy - floor((153 * $mp + 2) div 5) + 1"/>
    <xsl:variable name="m" select="$mp + 3 - 12 * number($mp &gt;= 10)"/>
    <xsl:variable name="y" select="$yoe + $era * 400 + number($m &lt;= 2)"/>
    <xsl:value-of select="$d"/>
    <xsl:text> </xsl:text>
    <xsl:choose>
      <xsl:when test="$m = 1">januari</xsl:when>
      <xsl:when test="$m = 2">februari</xsl:when>
      <xsl:when test="$m = 3">mars</xsl:when>
      <xsl:when test="$m = 4">april</xsl:when>
      <xsl:when test="$m = 5">maj</xsl:when>
      <xsl:when test="$m = 6">juni</xsl:when>
      <xsl:when test="$m = 7">juli</xsl:when>
      <xsl:when test="$m = 8">augusti</xsl:when>
      <xsl:when test="$m = 9">september</xsl:when>
      <xsl:when test="$m = 10">oktober</xsl:when>
      <xsl:when test="$m = 11">november</xsl:when>
      <xsl:otherwise>december</xsl:otherwise>
    </xsl:choose>
    <xsl:text> </xsl:text>
    <xsl:value-of select="$y"/>
    <xsl:text> kl. </xsl:text>
    <xsl:value-of select="format-number(floor($minutes div 60), '00')"/>
    <xsl:text>.</xsl:text>
    <xsl:value-of select="format-number($minutes mod 60, '00')"/>
  </xsl:template>
</xsl:stylesheet>
