package org.arbor.service;

import java.util.Map;
import java.util.Optional;

/**
 * Will a model fit in memory? The estimate, stated so a user can check it by hand:
 * <pre>
 *   weights   = the bytes of the weights at the chosen precision
 *   kv cache  = 2 (keys and values) x layers x kv_heads x head_dim x context x kv_bytes (2: fp16)
 *   overhead  = 10% of weights + 512 MiB (activations, runtime buffers)
 *   total     = weights + kv cache + overhead
 * </pre>
 * The shape comes from {@code config.json} (transformers names) or from GGUF metadata.
 */
public final class FitEstimator {
  static final long MIB = 1024L * 1024;
  static final long OVERHEAD_FIXED = 512 * MIB;
  static final double OVERHEAD_FRACTION = 0.10;
  static final int KV_BYTES = 2;

  private FitEstimator() {}

  /** The attention shape that sizes the KV cache. */
  public record Shape(long layers, long kvHeads, long headDim, Long maxContext) {
    long kvBytesPerToken() {
      return 2L * layers * kvHeads * headDim * KV_BYTES;
    }
  }

  /** One estimate: the parts and the total, in bytes, and whether it fits the budget. */
  public record Estimate(String variant, long weightBytes, long kvCacheBytes, long overheadBytes, long totalBytes,
      boolean fits) {}

  public static Estimate estimate(String variant, long weightBytes, Optional<Shape> shape, long context, long budget) {
    long kv = shape.map(s -> Math.multiplyExact(s.kvBytesPerToken(), context)).orElse(0L);
    long overhead = (long) (weightBytes * OVERHEAD_FRACTION) + OVERHEAD_FIXED;
    long total = weightBytes + kv + overhead;
    return new Estimate(variant, weightBytes, kv, overhead, total, total <= budget);
  }

  /** The shape from a transformers {@code config.json} (with the older GPT-2 style names as fallback). */
  public static Optional<Shape> fromConfig(Map<String, Object> config) {
    Map<String, Object> c = config;
    if (config.get("text_config") instanceof Map<?, ?> text && !config.containsKey("num_hidden_layers")) {
      @SuppressWarnings("unchecked")
      Map<String, Object> inner = (Map<String, Object>) text;
      c = inner; // multimodal models keep the language model's shape there
    }
    Optional<Long> layers = number(c, "num_hidden_layers", "n_layer", "num_layers");
    Optional<Long> hidden = number(c, "hidden_size", "n_embd", "d_model");
    Optional<Long> heads = number(c, "num_attention_heads", "n_head");
    if (layers.isEmpty() || hidden.isEmpty() || heads.isEmpty() || heads.get() == 0) {
      return Optional.empty();
    }
    long kvHeads = number(c, "num_key_value_heads", "n_head_kv").orElse(heads.get());
    long headDim = number(c, "head_dim").orElse(hidden.get() / heads.get());
    Long context = number(c, "max_position_embeddings", "n_positions", "max_sequence_length").orElse(null);
    return Optional.of(new Shape(layers.get(), kvHeads, headDim, context));
  }

  /** The shape from GGUF metadata: {@code {arch}.block_count}, {@code .attention.head_count[_kv]}, .... */
  public static Optional<Shape> fromGguf(Map<String, Object> metadata, String architecture) {
    if (architecture == null) {
      return Optional.empty();
    }
    Optional<Long> layers = number(metadata, architecture + ".block_count");
    Optional<Long> embedding = number(metadata, architecture + ".embedding_length");
    Optional<Long> heads = number(metadata, architecture + ".attention.head_count");
    if (layers.isEmpty() || embedding.isEmpty() || heads.isEmpty() || heads.get() == 0) {
      return Optional.empty();
    }
    long kvHeads = number(metadata, architecture + ".attention.head_count_kv").orElse(heads.get());
    long headDim = number(metadata, architecture + ".attention.key_length").orElse(embedding.get() / heads.get());
    Long context = number(metadata, architecture + ".context_length").orElse(null);
    return Optional.of(new Shape(layers.get(), kvHeads, headDim, context));
  }

  /** Parses sizes such as {@code 16GiB}, {@code 512MiB}, {@code 8GB}, {@code 1073741824}. */
  public static long parseBytes(String text) {
    String t = text.strip().toUpperCase(java.util.Locale.ROOT).replace(" ", "");
    long unit = 1;
    String[][] units = {{"TIB", "1099511627776"}, {"GIB", "1073741824"}, {"MIB", "1048576"}, {"KIB", "1024"},
        {"TB", "1000000000000"}, {"GB", "1000000000"}, {"MB", "1000000"}, {"KB", "1000"}, {"G", "1073741824"},
        {"M", "1048576"}, {"B", "1"}};
    for (String[] u : units) {
      if (t.endsWith(u[0])) {
        unit = Long.parseLong(u[1]);
        t = t.substring(0, t.length() - u[0].length());
        break;
      }
    }
    try {
      double value = Double.parseDouble(t);
      if (value <= 0 || Double.isNaN(value) || Double.isInfinite(value)) {
        throw new NumberFormatException();
      }
      return (long) (value * unit);
    } catch (NumberFormatException e) {
      throw org.arbor.core.HubException.badRequest("Invalid memory size: " + text + " (try 16GiB or 8GB)");
    }
  }

  private static Optional<Long> number(Map<String, Object> map, String... keys) {
    for (String key : keys) {
      Object value = map.get(key);
      if (value instanceof Number n && n.doubleValue() >= 0) {
        return Optional.of(n.longValue());
      }
    }
    return Optional.empty();
  }
}
