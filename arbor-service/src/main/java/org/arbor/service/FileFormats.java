package org.arbor.service;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The file formats a repository holds, named as the search facets and the pages name them:
 * weight formats for models ({@code safetensors}, {@code gguf}, {@code pytorch}, …), data
 * formats for datasets ({@code parquet}, {@code csv}, {@code json}, …), by file extension.
 */
public final class FileFormats {
  private static final Map<String, String> WEIGHT_FORMATS = Map.ofEntries(
      Map.entry("safetensors", "safetensors"), Map.entry("gguf", "gguf"), Map.entry("onnx", "onnx"),
      Map.entry("bin", "pytorch"), Map.entry("pt", "pytorch"), Map.entry("pth", "pytorch"),
      Map.entry("ckpt", "pytorch"), Map.entry("h5", "keras"), Map.entry("keras", "keras"),
      Map.entry("msgpack", "flax"), Map.entry("tflite", "tflite"), Map.entry("mlmodel", "coreml"),
      Map.entry("npy", "numpy"), Map.entry("npz", "numpy"));

  private static final Map<String, String> DATA_FORMATS = Map.ofEntries(
      Map.entry("parquet", "parquet"), Map.entry("csv", "csv"), Map.entry("tsv", "csv"),
      Map.entry("json", "json"), Map.entry("jsonl", "json"), Map.entry("arrow", "arrow"),
      Map.entry("txt", "text"), Map.entry("tar", "webdataset"));

  private FileFormats() {}

  /** The weight format (models) or data format (datasets) a path stands for. */
  public static Optional<String> of(String type, String path) {
    String name = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    int dot = name.lastIndexOf('.');
    if (dot < 0) {
      return Optional.empty();
    }
    String extension = name.substring(dot + 1);
    return Optional.ofNullable((type.equals("dataset") ? DATA_FORMATS : WEIGHT_FORMATS).get(extension));
  }

  /** The formats among these paths, sorted, each once. */
  public static List<String> in(String type, List<String> paths) {
    TreeSet<String> out = new TreeSet<>();
    for (String path : paths) {
      of(type, path).ifPresent(out::add);
    }
    return List.copyOf(out);
  }
}
