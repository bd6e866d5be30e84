package org.arbor.formats.card;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reads a card: a README.md that may start with YAML front matter between two {@code ---} lines.
 * The YAML is parsed with the YAML 1.2 core schema and no custom tags, within bounds on size,
 * nesting, aliases and what aliases expand to, since cards come from anyone who can push: a card
 * over a bound is refused with a {@link CardException}, never an error that escapes.
 */
public final class ModelCardReader {
  /** Front matter longer than this is refused; real cards are a few KiB. */
  public static final int MAX_FRONT_MATTER_BYTES = 1 << 20;
  /** Nesting of lists and mappings; real cards stay under ten. */
  public static final int MAX_DEPTH = 64;
  /** Values in the parsed front matter, counting each alias expansion: bounds alias bombs. */
  public static final int MAX_NODES = 100_000;

  private ModelCardReader() {}

  /** Reads a card; a README without front matter has empty metadata. */
  public static ModelCard read(byte[] readme) throws CardException {
    String text = new String(readme, StandardCharsets.UTF_8);
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    if (!text.startsWith("---")) {
      return new ModelCard(Map.of(), text);
    }
    int firstLineEnd = text.indexOf('\n');
    if (firstLineEnd < 0 || !text.substring(0, firstLineEnd).strip().equals("---")) {
      return new ModelCard(Map.of(), text);
    }
    int start = firstLineEnd + 1;
    int end = findClosingFence(text, start);
    if (end < 0) {
      throw new CardException("the YAML front matter is not closed by a '---' line");
    }
    String yaml = text.substring(start, end);
    if (yaml.getBytes(StandardCharsets.UTF_8).length > MAX_FRONT_MATTER_BYTES) {
      throw new CardException("the YAML front matter is larger than " + MAX_FRONT_MATTER_BYTES + " bytes");
    }
    int bodyStart = text.indexOf('\n', end);
    String body = bodyStart < 0 ? "" : text.substring(bodyStart + 1);
    return new ModelCard(parseYaml(yaml), body);
  }

  /** Parses front matter YAML; it must be a mapping (or empty). */
  public static Map<String, Object> parseYaml(String yaml) throws CardException {
    if (yaml.isBlank()) {
      return Map.of();
    }
    LoadSettings settings = LoadSettings.builder()
        .setSchema(new CoreSchema())
        .setMaxAliasesForCollections(50)
        .setAllowRecursiveKeys(false)
        .setAllowDuplicateKeys(false)
        .setCodePointLimit(MAX_FRONT_MATTER_BYTES)
        .build();
    Object parsed;
    try {
      parsed = new Load(settings).loadFromString(yaml);
    } catch (YamlEngineException e) {
      throw new CardException("invalid YAML in the front matter: " + firstLine(e.getMessage()));
    } catch (StackOverflowError e) {
      // the parser recurses per nesting level; no bound short of this exists in snakeyaml-engine
      throw new CardException("the YAML front matter is nested too deeply");
    }
    checkBounds(parsed, 0, new int[1], java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
    if (parsed == null) {
      return Map.of();
    }
    if (!(parsed instanceof Map<?, ?> map)) {
      throw new CardException("the YAML front matter must be a mapping of keys to values");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      out.put(String.valueOf(e.getKey()), e.getValue());
    }
    return out;
  }

  /** Walks the parsed value as JSON would: refuses cycles (recursive aliases), deep nesting and blow-ups. */
  private static void checkBounds(Object value, int depth, int[] nodes, java.util.Set<Object> path)
      throws CardException {
    if (++nodes[0] > MAX_NODES) {
      throw new CardException("the YAML front matter expands to more than " + MAX_NODES + " values (too many aliases?)");
    }
    if (!(value instanceof Map<?, ?>) && !(value instanceof java.util.Collection<?>)) {
      return;
    }
    if (depth >= MAX_DEPTH) {
      throw new CardException("the YAML front matter is nested deeper than " + MAX_DEPTH + " levels");
    }
    if (!path.add(value)) {
      throw new CardException("the YAML front matter contains a recursive alias");
    }
    Iterable<?> children = value instanceof Map<?, ?> map ? map.values() : (java.util.Collection<?>) value;
    for (Object child : children) {
      checkBounds(child, depth + 1, nodes, path);
    }
    path.remove(value);
  }

  private static int findClosingFence(String text, int from) {
    int lineStart = from;
    while (lineStart <= text.length()) {
      int lineEnd = text.indexOf('\n', lineStart);
      String line = lineEnd < 0 ? text.substring(lineStart) : text.substring(lineStart, lineEnd);
      if (line.strip().equals("---")) {
        return lineStart;
      }
      if (lineEnd < 0) {
        return -1;
      }
      lineStart = lineEnd + 1;
    }
    return -1;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "parse error";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
