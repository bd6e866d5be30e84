package org.arbor.server.web;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.commonmark.Extension;
import org.commonmark.ext.autolink.AutolinkExtension;
import org.commonmark.ext.gfm.strikethrough.StrikethroughExtension;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.ext.heading.anchor.HeadingAnchorExtension;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.owasp.html.HtmlPolicyBuilder;
import org.owasp.html.PolicyFactory;
import org.owasp.html.Sanitizers;

/**
 * Renders a model card's Markdown (the README body, front matter already removed) to HTML that
 * is safe to put in a page: GitHub-flavoured tables, strikethrough and autolinks, heading
 * anchors, then an allow-list sanitiser (no scripts, event handlers, {@code javascript:} URLs or
 * styles; links get {@code rel="nofollow noopener"}). Math is left exactly as written:
 * {@code $…$}, {@code $$…$$}, {@code \(…\)} and {@code \[…\]} outside code are set aside before
 * Markdown runs (which would eat their backslashes and underscores) and put back as text.
 */
public final class CardHtml {
  /** Cards longer than this are cut, with a note: pages must stay fast. */
  public static final int MAX_MARKDOWN_CHARS = 512 * 1024;

  private static final List<Extension> EXTENSIONS = List.of(TablesExtension.create(),
      StrikethroughExtension.create(), AutolinkExtension.create(), HeadingAnchorExtension.create());
  private static final Parser PARSER = Parser.builder().extensions(EXTENSIONS).build();
  private static final HtmlRenderer RENDERER = HtmlRenderer.builder().extensions(EXTENSIONS).escapeHtml(false)
      .sanitizeUrls(true).build();
  private static final PolicyFactory POLICY = Sanitizers.FORMATTING.and(Sanitizers.BLOCKS).and(Sanitizers.TABLES)
      .and(Sanitizers.IMAGES).and(Sanitizers.LINKS)
      .and(new HtmlPolicyBuilder()
          // an attribute rule only counts in the builder that also allows its element
          .allowElements("pre", "code", "hr", "del", "s", "details", "summary", "span", "h1", "h2", "h3", "h4", "h5",
              "h6", "td", "th")
          .allowAttributes("id").matching(Pattern.compile("[A-Za-z0-9_-]{1,100}")).onElements("h1", "h2", "h3",
              "h4", "h5", "h6")
          .allowAttributes("class").matching(Pattern.compile("(language-[A-Za-z0-9_+-]{1,40}|math|math-display)"))
          .onElements("code", "span")
          .allowAttributes("align").matching(Pattern.compile("left|right|center")).onElements("td", "th")
          .requireRelsOnLinks("nofollow", "noopener")
          .toFactory());
  private static final Pattern MATH = Pattern.compile(
      "\\$\\$[\\s\\S]+?\\$\\$|\\\\\\[[\\s\\S]+?\\\\\\]|\\\\\\([\\s\\S]+?\\\\\\)|(?<![\\\\$\\w])\\$(?!\\s)[^$\\n]+?(?<!\\s)\\$(?![\\w$])");
  private static final Pattern FENCE = Pattern.compile("^ {0,3}(```|~~~)");
  private static final String MARK = "\u2063MATH";

  private CardHtml() {}

  /** Safe HTML for a card body; empty for an empty card. */
  public static String render(String markdown) {
    if (markdown == null || markdown.isBlank()) {
      return "";
    }
    String text = markdown.length() > MAX_MARKDOWN_CHARS
        ? markdown.substring(0, MAX_MARKDOWN_CHARS) + "\n\n*(The card is longer; see README.md for the rest.)*"
        : markdown;
    List<String> math = new ArrayList<>();
    String html = RENDERER.render(PARSER.parse(setMathAside(text, math)));
    return restoreMath(POLICY.sanitize(html), math);
  }

  /**
   * Replaces math outside code with numbered markers, collecting the originals. Prose lines are
   * taken together (display math spans lines); fenced and indented code is left alone, and so is
   * inline code between backticks.
   */
  private static String setMathAside(String text, List<String> math) {
    StringBuilder out = new StringBuilder(text.length());
    StringBuilder prose = new StringBuilder();
    boolean inFence = false;
    for (String line : text.split("\n", -1)) {
      boolean fence = FENCE.matcher(line).find();
      boolean code = inFence || fence || line.startsWith("    ") || line.startsWith("\t");
      if (fence) {
        inFence = !inFence;
      }
      if (code) {
        out.append(outsideInlineCode(prose.toString(), math));
        prose.setLength(0);
        out.append(line).append('\n');
      } else {
        prose.append(line).append('\n');
      }
    }
    out.append(outsideInlineCode(prose.toString(), math));
    out.setLength(out.length() - 1);
    return out.toString();
  }

  private static String outsideInlineCode(String prose, List<String> math) {
    String[] parts = prose.split("`", -1);
    StringBuilder out = new StringBuilder(prose.length());
    for (int i = 0; i < parts.length; i++) {
      boolean outside = i % 2 == 0 || (i == parts.length - 1 && parts.length % 2 == 0);
      out.append(outside ? replaceMath(parts[i], math) : parts[i]);
      if (i < parts.length - 1) {
        out.append('`');
      }
    }
    return out.toString();
  }

  private static String replaceMath(String text, List<String> math) {
    Matcher m = MATH.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      math.add(m.group());
      m.appendReplacement(out, Matcher.quoteReplacement(MARK + (math.size() - 1) + "\u2063"));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String restoreMath(String html, List<String> math) {
    if (math.isEmpty()) {
      return html;
    }
    Matcher m = Pattern.compile(MARK + "(\\d+)\u2063").matcher(html);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String original = math.get(Integer.parseInt(m.group(1)));
      String kind = original.startsWith("$$") || original.startsWith("\\[") ? "math math-display" : "math";
      m.appendReplacement(out, Matcher.quoteReplacement(
          "<span class=\"" + kind + "\">" + escape(original) + "</span>"));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Text as HTML: {@code & < > " '} escaped. */
  public static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&#34;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
