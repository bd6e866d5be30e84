package org.arbor.formats.gguf;

import java.util.List;

/** Ready-made GGUF files for tests in other modules (published in the formats test jar). */
public final class GgufTestFiles {
  private GgufTestFiles() {}

  /** A small llama-like v3 file: architecture, context length, a vocabulary, bos/eos, a chat template, tensors. */
  public static byte[] tinyLlama() {
    return GgufWriter.v3()
        .put("general.architecture", "llama")
        .put("general.name", "tiny")
        .put("llama.context_length", GgufValueType.UINT32, 2048L)
        .put("llama.block_count", GgufValueType.UINT32, 2L)
        .put("llama.embedding_length", GgufValueType.UINT32, 64L)
        .put("llama.attention.head_count", GgufValueType.UINT32, 4L)
        .put("llama.attention.head_count_kv", GgufValueType.UINT32, 2L)
        .put("tokenizer.chat_template", "{% for m in messages %}{{ m.content }}{% endfor %}")
        .putArray("tokenizer.ggml.tokens", GgufValueType.STRING, List.of("<s>", "</s>", "hello"))
        .put("tokenizer.ggml.bos_token_id", GgufValueType.UINT32, 0L)
        .put("tokenizer.ggml.eos_token_id", GgufValueType.UINT32, 1L)
        .tensor("token_embd.weight", GgmlType.Q8_0, 64, 3)
        .tensor("output_norm.weight", GgmlType.F32, 64)
        .toBytes();
  }

  /** A minimal llama GGUF whose chat template is {@code template}. */
  public static byte[] withChatTemplate(String template) {
    return GgufWriter.v3()
        .put("general.architecture", "llama")
        .put("tokenizer.chat_template", template)
        .tensor("output_norm.weight", GgmlType.F32, 8)
        .toBytes();
  }
}
