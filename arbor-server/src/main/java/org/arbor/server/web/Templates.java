package org.arbor.server.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import java.util.Map;

/**
 * The page templates ({@code src/main/jte}), compiled to Java at build time so a mistake in one
 * fails the build. Output is HTML-escaped unless a template says {@code $unsafe}, which only the
 * sanitised card HTML uses.
 */
public final class Templates {
  private static final TemplateEngine ENGINE =
      TemplateEngine.createPrecompiled(null, ContentType.Html, null, "org.arbor.server.web.templates");

  private Templates() {}

  /** Renders {@code name} ({@code repo.jte}) with these parameters. */
  public static String render(String name, Map<String, Object> params) {
    StringOutput out = new StringOutput(16 * 1024);
    ENGINE.render(name, params, out);
    return out.toString();
  }
}
