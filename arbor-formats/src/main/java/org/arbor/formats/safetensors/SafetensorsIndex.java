package org.arbor.formats.safetensors;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import org.arbor.formats.FormatException;

/**
 * The index of a sharded checkpoint, {@code model.safetensors.index.json}:
 *
 * <pre>
 *   {"metadata": {"total_size": &lt;bytes&gt;, ...}, "weight_map": {"&lt;tensor&gt;": "&lt;shard file&gt;", ...}}
 * </pre>
 *
 * Shard names are paths relative to the index's folder; absolute paths, {@code ..}, {@code .},
 * empty segments and backslashes are rejected so a hostile index cannot point outside the
 * revision. Other metadata fields and unknown top-level keys are allowed; duplicate keys are not.
 */
public record SafetensorsIndex(Map<String, String> weightMap, OptionalLong totalSize) {
  public SafetensorsIndex {
    weightMap = Collections.unmodifiableMap(new LinkedHashMap<>(weightMap));
  }

  /** Distinct shard files, sorted. */
  public Set<String> shards() {
    return Collections.unmodifiableSet(new TreeSet<>(weightMap.values()));
  }

  public static SafetensorsIndex read(byte[] json, String name) throws FormatException {
    StrictJson.checkUtf8(json, 0, json.length, 0, name, "index");
    StrictJson in = new StrictJson(json, 0, json.length, 0, name);
    Map<String, String> weightMap = null;
    OptionalLong totalSize = OptionalLong.empty();
    Set<String> keys = new HashSet<>();
    in.beginObject();
    while (in.hasNext()) {
      long at = in.offset();
      String key = in.nextName();
      if (!keys.add(key)) {
        throw new FormatException(name, at, "duplicate key \"" + key + "\"");
      }
      switch (key) {
        case "weight_map" -> weightMap = weightMap(in, name);
        case "metadata" -> totalSize = metadata(in, name);
        default -> in.skipValue();
      }
    }
    in.endObject();
    in.endDocument();
    if (weightMap == null) {
      throw new FormatException(name, "missing 'weight_map'");
    }
    return new SafetensorsIndex(weightMap, totalSize);
  }

  private static Map<String, String> weightMap(StrictJson in, String name) throws FormatException {
    if (in.peek() != StrictJson.Kind.OBJECT) {
      throw in.error("weight_map must be an object of tensor name to shard file");
    }
    Map<String, String> map = new LinkedHashMap<>();
    in.beginObject();
    while (in.hasNext()) {
      long at = in.offset();
      String tensor = in.nextName();
      if (map.containsKey(tensor)) {
        throw new FormatException(name, at, "weight_map: duplicate tensor \"" + tensor + "\"");
      }
      if (in.peek() != StrictJson.Kind.STRING) {
        throw in.error("weight_map: shard of '" + tensor + "' must be a string");
      }
      long shardAt = in.offset();
      String shard = in.nextString();
      String problem = shardNameProblem(shard);
      if (problem != null) {
        throw new FormatException(name, shardAt, "weight_map: shard of '" + tensor + "' " + problem);
      }
      map.put(tensor, shard);
    }
    in.endObject();
    return map;
  }

  private static OptionalLong metadata(StrictJson in, String name) throws FormatException {
    if (in.peek() != StrictJson.Kind.OBJECT) {
      throw in.error("metadata must be an object");
    }
    OptionalLong totalSize = OptionalLong.empty();
    Set<String> keys = new HashSet<>();
    in.beginObject();
    while (in.hasNext()) {
      long at = in.offset();
      String key = in.nextName();
      if (!keys.add(key)) {
        throw new FormatException(name, at, "metadata: duplicate key \"" + key + "\"");
      }
      if (key.equals("total_size")) {
        if (in.peek() != StrictJson.Kind.NUMBER) {
          throw in.error("metadata.total_size must be a non-negative integer");
        }
        long sizeAt = in.offset();
        long size = in.nextLong();
        if (size < 0) {
          throw new FormatException(name, sizeAt, "metadata.total_size must be non-negative, got " + size);
        }
        totalSize = OptionalLong.of(size);
      } else {
        in.skipValue();
      }
    }
    in.endObject();
    return totalSize;
  }

  /** Why {@code shard} is not a plain relative path, or null if it is. */
  static String shardNameProblem(String shard) {
    if (shard.isEmpty()) {
      return "is empty";
    }
    if (shard.startsWith("/")) {
      return "'" + shard + "' is an absolute path";
    }
    if (shard.indexOf('\\') >= 0) {
      return "'" + shard + "' contains a backslash";
    }
    for (int i = 0; i < shard.length(); i++) {
      if (shard.charAt(i) < 0x20 || shard.charAt(i) == 0x7f) {
        return "'" + shard.replaceAll("\\p{Cntrl}", "?") + "' contains a control character";
      }
    }
    for (String segment : shard.split("/", -1)) {
      if (segment.equals("..") || segment.equals(".") || segment.isEmpty()) {
        return "'" + shard + "' is not a plain relative path";
      }
    }
    return null;
  }
}
