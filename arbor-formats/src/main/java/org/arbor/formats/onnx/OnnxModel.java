package org.arbor.formats.onnx;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What an ONNX file's protobuf says about itself, read without its weights. Counts and the op-type
 * histogram cover the main graph; {@link #externalData()} covers every tensor the reader visits
 * (initializers, sparse initializers, tensor attributes such as {@code Constant.value}, sub-graphs
 * of {@code If/Loop/Scan} and nodes of model-local functions), since any of them can point outside.
 */
public record OnnxModel(
    long irVersion,
    String producerName,
    String producerVersion,
    String domain,
    long modelVersion,
    List<OpsetId> opsetImports,
    Map<String, String> metadata,
    String graphName,
    long nodeCount,
    Map<String, Long> opTypes,
    List<ValueInfo> inputs,
    List<ValueInfo> outputs,
    List<Initializer> initializers,
    long parameterCount,
    List<ExternalData> externalData) {

  public OnnxModel {
    opsetImports = List.copyOf(opsetImports);
    metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    opTypes = Collections.unmodifiableMap(new TreeMap<>(opTypes));
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    initializers = List.copyOf(initializers);
    externalData = List.copyOf(externalData);
  }

  /** Distinct external-data locations, in the order they first appear. */
  public List<String> externalDataLocations() {
    LinkedHashSet<String> locations = new LinkedHashSet<>();
    for (ExternalData ref : externalData) {
      locations.add(ref.location());
    }
    return List.copyOf(locations);
  }

  /** True if any external-data location could resolve outside the repository; see {@link #escapesRepo(String)}. */
  public boolean externalDataEscapesRepo() {
    return externalData.stream().anyMatch(ExternalData::escapesRepo);
  }

  private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*", Pattern.DOTALL);

  /**
   * Whether a {@code location} may leave the model's directory. Conservative, in the spirit of
   * {@code resolve_external_data_location} in onnx/checker.cc: empty, absolute, any {@code ..}
   * segment (even one that normalises away), backslashes, drive letters and NUL all count.
   */
  public static boolean escapesRepo(String location) {
    if (location.isEmpty()
        || location.startsWith("/")
        || location.indexOf('\\') >= 0
        || location.indexOf('\0') >= 0
        || DRIVE.matcher(location).matches()) {
      return true;
    }
    for (String segment : location.split("/", -1)) {
      if (segment.equals("..")) {
        return true;
      }
    }
    return false;
  }

  /** An {@code opset_import} entry; domain "" is {@code ai.onnx}. */
  public record OpsetId(String domain, long version) {}

  /**
   * A graph input or output. {@code kind} is the {@code TypeProto} case: tensor, sparse_tensor,
   * sequence, map, optional or none; {@code elemType} is a {@link OnnxDataType} name (UNDEFINED for
   * non-tensors); {@code shape} is empty when the type has no shape (unknown rank).
   */
  public record ValueInfo(String name, String kind, String elemType, Optional<List<Dim>> shape) {
    public ValueInfo {
      shape = shape.map(List::copyOf);
    }
  }

  /** One dimension of a {@code TensorShapeProto}: a number, a symbolic {@code dim_param}, or neither. */
  public sealed interface Dim {
    record Value(long value) implements Dim {}

    record Param(String name) implements Dim {}

    record Unknown() implements Dim {}
  }

  /**
   * A {@code graph.initializer}. {@code byteSize} is the {@code raw_data} length, the stored typed
   * data (elements x width, or total string bytes), or the external {@code length}; empty when the
   * file does not say.
   */
  public record Initializer(
      String name, String dataType, List<Long> dims, OptionalLong byteSize, Optional<ExternalData> external) {
    public Initializer {
      dims = List.copyOf(dims);
    }

    /** Product of dims (1 for a scalar); the reader has checked that it does not overflow. */
    public long elementCount() {
      long n = 1;
      for (long d : dims) {
        n = Math.multiplyExact(n, d);
      }
      return n;
    }
  }

  /** A tensor's {@code external_data} when {@code data_location == EXTERNAL}. */
  public record ExternalData(String tensorName, String location, long offset, OptionalLong length) {
    public boolean escapesRepo() {
      return OnnxModel.escapesRepo(location);
    }
  }
}
