package org.arbor.service;

import java.util.List;
import java.util.Map;

/**
 * What the header of one weight file says, in one shape for every format: parameter counts by
 * dtype, the tensor table, and the format's own metadata (GGUF keys, ONNX graph facts).
 * Stored as JSON per file SHA-256.
 *
 * @param format {@code safetensors}, {@code gguf}, {@code onnx}, {@code pytorch} or {@code npy}
 * @param metadata scalar metadata worth showing; large arrays (token lists) are left out
 */
public record WeightSummary(
    String format, long parameters, Map<String, Long> parametersByDtype, List<Tensor> tensors,
    Map<String, Object> metadata, String architecture, Long contextLength, String chatTemplate,
    String bosToken, String eosToken) {

  /** One tensor: name, dtype, shape and its byte range in the file (-1 where the format has none). */
  public record Tensor(String name, String dtype, List<Long> shape, long begin, long end) {}
}
