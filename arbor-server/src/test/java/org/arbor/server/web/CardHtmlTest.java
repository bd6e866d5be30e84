package org.arbor.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

class CardHtmlTest {
  @Test
  void tablesCodeLinksAndHeadingsSurvive() {
    Document doc = Jsoup.parse(CardHtml.render("""
        # Tiny Model

        | metric | value |
        |:--|--:|
        | accuracy | 0.91 |

        ```python
        from transformers import pipeline  # <b>not bold</b>
        ```

        See https://example.org/paper and [the docs](https://example.org/docs). ~~old~~
        """));
    assertThat(doc.select("h1").attr("id")).isEqualTo("tiny-model");
    assertThat(doc.select("table td")).extracting(Element::text).containsExactly("accuracy", "0.91");
    assertThat(doc.select("pre code.language-python").text()).contains("<b>not bold</b>");
    assertThat(doc.select("a[href=https://example.org/docs]").attr("rel")).contains("nofollow");
    assertThat(doc.select("a[href=https://example.org/paper]")).hasSize(1);
    assertThat(doc.select("del").text()).isEqualTo("old");
  }

  @Test
  void scriptsHandlersJavascriptUrlsAndStylesAreRemoved() {
    String html = CardHtml.render("""
        <script>alert(1)</script>
        <img src="x" onerror="alert(2)">
        <a href="javascript:alert(3)">click</a>
        <div style="position:fixed" onclick="alert(5)">styled</div>

        A [markdown link](javascript:alert(4)) and <a href="https://ok.example" onmouseover="alert(7)">fine</a>.

        <iframe src="https://evil.example"></iframe>
        <svg><script>alert(6)</script></svg>
        """);
    assertThat(html).doesNotContain("<script", "onerror", "javascript:", "onclick", "onmouseover", "style=",
        "<iframe", "alert(6)");
    Document doc = Jsoup.parse(html);
    assertThat(doc.text()).contains("click", "styled", "markdown link");
    assertThat(doc.select("a[href]")).extracting(a -> a.attr("href")).filteredOn(h -> !h.isEmpty())
        .containsExactly("https://ok.example");   // the Markdown javascript: link keeps an empty href
  }

  @Test
  void mathIsLeftAsWritten() {
    String html = CardHtml.render("""
        Inline $a_1 * b_2$ and \\(x_i\\), display:

        $$
        \\sum_{i=1}^n x_i^2
        $$

        Costs $5 and $6 stay money. `$code_x$` stays code.
        """);
    Document doc = Jsoup.parse(html);
    assertThat(doc.select("span.math")).extracting(Element::text)
        .containsExactly("$a_1 * b_2$", "\\(x_i\\)", "$$ \\sum_{i=1}^n x_i^2 $$");
    assertThat(doc.text()).contains("Costs $5 and $6 stay money.");
    assertThat(doc.select("code").text()).isEqualTo("$code_x$");
  }

  @Test
  void emptyCardsRenderNothingAndHugeOnesAreCut() {
    assertThat(CardHtml.render("  \n")).isEmpty();
    String huge = "word ".repeat(CardHtml.MAX_MARKDOWN_CHARS / 4);
    assertThat(CardHtml.render(huge)).contains("The card is longer");
  }
}
