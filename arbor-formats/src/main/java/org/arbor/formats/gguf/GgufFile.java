package org.arbor.formats.gguf;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The header of a GGUF file: metadata and tensor infos, never tensor data.
 *
 * <p>Metadata values are {@link Long} (every integer type; a UINT64 at or above 2^63 reads as
 * negative), {@link Double} (FLOAT32 and FLOAT64), {@link Boolean}, {@link String}, or a {@link
 * List} of those (arrays, possibly nested). Keys keep their file order.
 *
 * @param dataOffset where the data section starts in the file; tensor offsets are relative to it
 */
public record GgufFile(
    int version, Map<String, Object> metadata, List<GgufTensor> tensors, long alignment, long dataOffset) {

  public GgufFile {
    metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    tensors = List.copyOf(tensors);
  }

  /** {@code general.architecture}, e.g. "llama". */
  public Optional<String> architecture() {
    return string("general.architecture");
  }

  /** {@code <architecture>.context_length}. */
  public OptionalLong contextLength() {
    return architecture()
        .map(arch -> metadata.get(arch + ".context_length"))
        .filter(v -> v instanceof Long n && n >= 0)
        .map(v -> OptionalLong.of((Long) v))
        .orElse(OptionalLong.empty());
  }

  /** {@code tokenizer.chat_template}: untrusted Jinja text, never to be rendered unsandboxed. */
  public Optional<String> chatTemplate() {
    return string("tokenizer.chat_template");
  }

  /** The token that {@code tokenizer.ggml.bos_token_id} points at in {@code tokenizer.ggml.tokens}. */
  public Optional<String> bosToken() {
    return token("tokenizer.ggml.bos_token_id");
  }

  /** The token that {@code tokenizer.ggml.eos_token_id} points at in {@code tokenizer.ggml.tokens}. */
  public Optional<String> eosToken() {
    return token("tokenizer.ggml.eos_token_id");
  }

  /** Sum of the element counts of all tensors, as huggingface.js {@code computeParameterCount} does. */
  public long parameterCount() {
    long total = 0;
    for (GgufTensor tensor : tensors) {
      total = Math.addExact(total, tensor.elementCount());
    }
    return total;
  }

  /** Element counts per ggml type name ("F32", "Q4_K", …), in type-id order. */
  public Map<String, Long> parametersByType() {
    Map<GgmlType, Long> byType = new EnumMap<>(GgmlType.class);
    for (GgufTensor tensor : tensors) {
      byType.merge(tensor.type(), tensor.elementCount(), Math::addExact);
    }
    Map<String, Long> named = new LinkedHashMap<>();
    byType.forEach((type, count) -> named.put(type.name(), count));
    return Collections.unmodifiableMap(named);
  }

  private Optional<String> string(String key) {
    return metadata.get(key) instanceof String s ? Optional.of(s) : Optional.empty();
  }

  private Optional<String> token(String idKey) {
    if (metadata.get(idKey) instanceof Long id
        && metadata.get("tokenizer.ggml.tokens") instanceof List<?> tokens
        && id >= 0
        && id < tokens.size()
        && tokens.get((int) (long) id) instanceof String token) {
      return Optional.of(token);
    }
    return Optional.empty();
  }
}
