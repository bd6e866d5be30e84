package org.arbor.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.arbor.formats.FormatException;
import org.arbor.formats.gguf.GgufFile;
import org.arbor.formats.gguf.GgufReader;
import org.arbor.formats.gguf.GgufTensor;
import org.arbor.formats.io.ByteSource;
import org.arbor.formats.npy.NpyHeader;
import org.arbor.formats.npy.NpyReader;
import org.arbor.formats.onnx.OnnxModel;
import org.arbor.formats.onnx.OnnxReader;
import org.arbor.formats.safetensors.SafetensorsHeader;
import org.arbor.formats.safetensors.SafetensorsReader;
import org.arbor.formats.safetensors.TensorInfo;
import org.arbor.formats.torch.TorchCheckpointReader;
import org.arbor.formats.torch.TorchTensor;

/**
 * Reads any weight file Arbor understands into a {@link WeightSummary}, choosing the parser by
 * what the bytes are (a file is judged by its content, not its extension), with the extension as
 * the tie-breaker for formats without a magic number.
 */
public final class WeightFormats {
  /** Metadata strings longer than this (whole vocabularies, say) are left out of summaries. */
  static final int MAX_METADATA_STRING = 64 * 1024;
  static final int MAX_METADATA_LIST = 64;

  private WeightFormats() {}

  /** The summary of a weight file, or null if the bytes are no weight format Arbor reads. */
  public static WeightSummary read(ByteSource source, String name) throws IOException, FormatException {
    long size = source.size();
    byte[] head = source.read(0, (int) Math.min(16, size));
    String extension = extension(name);
    if (startsWith(head, "GGUF") || extension.equals("gguf")) {
      return gguf(GgufReader.read(source, name));
    }
    if (startsWith(head, "\u0093NUMPY") || extension.equals("npy")) {
      return npy(NpyReader.read(source, name));
    }
    if (startsWith(head, "PK\u0003\u0004")) {
      return pytorch(TorchCheckpointReader.tensors(source, name));
    }
    if (extension.equals("onnx")) {
      return onnx(OnnxReader.read(source, name));
    }
    if (looksLikeSafetensors(head, size) || extension.equals("safetensors")) {
      return safetensors(SafetensorsReader.read(source, name));
    }
    return null;
  }

  /** The format a file name suggests, for recording a failed inspection. */
  public static String guess(String name) {
    return switch (extension(name)) {
      case "safetensors" -> "safetensors";
      case "gguf" -> "gguf";
      case "onnx" -> "onnx";
      case "npy" -> "npy";
      case "bin", "pt", "pth", "ckpt" -> "pytorch";
      default -> "unknown";
    };
  }

  static WeightSummary safetensors(SafetensorsHeader header) {
    List<WeightSummary.Tensor> tensors = new ArrayList<>();
    long data = header.dataOffset();
    for (TensorInfo t : header.tensors()) {
      tensors.add(new WeightSummary.Tensor(t.name(), t.dtype(), t.shape(), data + t.begin(), data + t.end()));
    }
    return new WeightSummary("safetensors", header.parameterCount(), new TreeMap<>(header.parametersByDtype()),
        tensors, new LinkedHashMap<>(header.metadata()), null, null, null, null, null);
  }

  static WeightSummary gguf(GgufFile file) {
    List<WeightSummary.Tensor> tensors = new ArrayList<>();
    for (GgufTensor t : file.tensors()) {
      long begin = file.dataOffset() + t.offset();
      tensors.add(new WeightSummary.Tensor(t.name(), t.type().name(), t.dims(), begin, begin + t.byteSize()));
    }
    return new WeightSummary("gguf", file.parameterCount(), new TreeMap<>(file.parametersByType()), tensors,
        shownMetadata(file.metadata()), file.architecture().orElse(null),
        file.contextLength().isPresent() ? file.contextLength().getAsLong() : null,
        file.chatTemplate().orElse(null), file.bosToken().orElse(null), file.eosToken().orElse(null));
  }

  static WeightSummary npy(NpyHeader header) {
    long n = header.parameterCount();
    return new WeightSummary("npy", n, Map.of(header.descr(), n),
        List.of(new WeightSummary.Tensor("array", header.descr(), header.shape(), header.dataOffset(), -1)),
        Map.of("fortran_order", header.fortranOrder(), "object_array", header.isObjectArray()),
        null, null, null, null, null);
  }

  static WeightSummary pytorch(List<TorchTensor> list) {
    Map<String, Long> byDtype = new TreeMap<>();
    List<WeightSummary.Tensor> tensors = new ArrayList<>();
    long total = 0;
    for (TorchTensor t : list) {
      long n = t.shape().stream().reduce(1L, Math::multiplyExact);
      byDtype.merge(t.dtype(), n, Long::sum);
      total += n;
      tensors.add(new WeightSummary.Tensor(t.name(), t.dtype(), t.shape(), -1, -1));
    }
    return new WeightSummary("pytorch", total, byDtype, tensors, Map.of(), null, null, null, null, null);
  }

  static WeightSummary onnx(OnnxModel model) {
    Map<String, Long> byType = new TreeMap<>();
    List<WeightSummary.Tensor> tensors = new ArrayList<>();
    for (OnnxModel.Initializer init : model.initializers()) {
      long n = init.elementCount();
      byType.merge(init.dataType(), n, Long::sum);
      tensors.add(new WeightSummary.Tensor(init.name(), init.dataType(), init.dims(), -1, -1));
    }
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("ir_version", model.irVersion());
    metadata.put("producer", (model.producerName() + " " + model.producerVersion()).strip());
    metadata.put("opsets", model.opsetImports().stream()
        .map(o -> (o.domain().isEmpty() ? "ai.onnx" : o.domain()) + ":" + o.version()).toList());
    metadata.put("graph", model.graphName());
    metadata.put("nodes", model.nodeCount());
    metadata.put("op_types", model.opTypes());
    metadata.put("inputs", model.inputs().stream().map(v -> v.name() + ": " + v.elemType()).toList());
    metadata.put("outputs", model.outputs().stream().map(v -> v.name() + ": " + v.elemType()).toList());
    metadata.put("external_data", model.externalDataLocations());
    metadata.put("external_data_escapes_repo", model.externalDataEscapesRepo());
    model.metadata().forEach((k, v) -> metadata.putIfAbsent("meta." + k, v));
    return new WeightSummary("onnx", model.parameterCount(), byType, tensors, metadata, null, null, null, null, null);
  }

  /** GGUF metadata worth showing: scalars and short lists; token vocabularies are left out. */
  private static Map<String, Object> shownMetadata(Map<String, Object> metadata) {
    Map<String, Object> out = new LinkedHashMap<>();
    metadata.forEach((key, value) -> {
      if (value instanceof List<?> list && list.size() > MAX_METADATA_LIST) {
        out.put(key, "[" + list.size() + " values]");
      } else if (value instanceof String s && s.length() > MAX_METADATA_STRING) {
        out.put(key, s.substring(0, MAX_METADATA_STRING) + "…");
      } else {
        out.put(key, value);
      }
    });
    return out;
  }

  /** An 8-byte little-endian header length that fits the file, then a JSON object. */
  private static boolean looksLikeSafetensors(byte[] head, long size) {
    if (head.length < 9) {
      return false;
    }
    long length = 0;
    for (int i = 7; i >= 0; i--) {
      length = (length << 8) | (head[i] & 0xff);
    }
    return length > 1 && length <= size - 8 && head[8] == '{';
  }

  private static boolean startsWith(byte[] head, String magic) {
    byte[] m = magic.getBytes(StandardCharsets.ISO_8859_1);
    if (head.length < m.length) {
      return false;
    }
    for (int i = 0; i < m.length; i++) {
      if (head[i] != m[i]) {
        return false;
      }
    }
    return true;
  }

  private static String extension(String name) {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }
}
