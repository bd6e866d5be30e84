package org.arbor.formats.onnx;

import static org.arbor.formats.onnx.ProtoInput.FIXED32;
import static org.arbor.formats.onnx.ProtoInput.FIXED64;
import static org.arbor.formats.onnx.ProtoInput.LEN;
import static org.arbor.formats.onnx.ProtoInput.VARINT;
import static org.arbor.formats.onnx.ProtoInput.fieldNumber;
import static org.arbor.formats.onnx.ProtoInput.wireType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.arbor.formats.FormatException;
import org.arbor.formats.io.ByteSource;
import org.arbor.formats.onnx.OnnxModel.Dim;
import org.arbor.formats.onnx.OnnxModel.ExternalData;
import org.arbor.formats.onnx.OnnxModel.Initializer;
import org.arbor.formats.onnx.OnnxModel.OpsetId;
import org.arbor.formats.onnx.OnnxModel.ValueInfo;

/**
 * Reads an ONNX {@code ModelProto} ({@code onnx/onnx.proto}, proto2) field by field, skipping
 * {@code raw_data} and typed-data payloads by their length, so a 2 GB file costs its headers:
 *
 * <pre>
 *   ModelProto        1 ir_version  2 producer_name  3 producer_version  4 domain  5 model_version
 *                     7 graph  8 opset_import  14 metadata_props  25 functions
 *   GraphProto        1 node  2 name  5 initializer  11 input  12 output  15 sparse_initializer
 *   NodeProto         4 op_type  5 attribute  7 domain
 *   AttributeProto    5 t  6 g  10 tensors  11 graphs  22 sparse_tensor  23 sparse_tensors
 *   TensorProto       1 dims (unpacked or packed)  2 data_type  4 float_data  5 int32_data
 *                     6 string_data  7 int64_data  8 name  9 raw_data  10 double_data
 *                     11 uint64_data  13 external_data  14 data_location (EXTERNAL = 1)
 *   ValueInfoProto    1 name  2 type;  TypeProto 1 tensor_type 4 sequence 5 map 8 sparse 9 optional
 *   TypeProto.Tensor  1 elem_type  2 shape;  TensorShapeProto 1 dim;  Dimension 1 dim_value 2 dim_param
 * </pre>
 *
 * A known field with the wrong wire type is an error (protobuf-java would silently treat it as
 * unknown); unknown fields are skipped. Strings are capped at {@link #MAX_STRING_BYTES} and
 * everything kept (strings, dims, entries) at {@link #MAX_RETAINED_BYTES}, so a hostile file cannot
 * make the reader hold more than a bounded amount of memory.
 */
public final class OnnxReader {
  /** Longest string field read into memory; names and metadata are far shorter. */
  public static final int MAX_STRING_BYTES = 1 << 20;
  /** Bound on what one model's summary may retain, counting string bytes, 24 per dim and 32 per other kept item. */
  public static final long MAX_RETAINED_BYTES = 64L << 20;

  private static final int DATA_LOCATION_EXTERNAL = 1;

  private final ProtoInput in;
  private long retained;

  private final List<ExternalData> externalData = new ArrayList<>();

  private OnnxReader(ProtoInput in) {
    this.in = in;
  }

  /** Reads the model summary; {@code name} names the file in errors. */
  public static OnnxModel read(ByteSource source, String name) throws IOException, FormatException {
    return new OnnxReader(new ProtoInput(source, name)).model();
  }

  private OnnxModel model() throws IOException, FormatException {
    long irVersion = 0;
    long modelVersion = 0;
    String producerName = "";
    String producerVersion = "";
    String domain = "";
    List<OpsetId> opsets = new ArrayList<>();
    Map<String, String> metadata = new LinkedHashMap<>();
    Graph graph = null;
    while (in.hasMore()) {
      int tag = in.readTag();
      switch (fieldNumber(tag)) {
        case 1 -> irVersion = in.readInt64(tag, "ModelProto.ir_version");          // int64 ir_version = 1;
        case 2 -> producerName = string(tag, "ModelProto.producer_name");          // string producer_name = 2;
        case 3 -> producerVersion = string(tag, "ModelProto.producer_version");    // string producer_version = 3;
        case 4 -> domain = string(tag, "ModelProto.domain");                       // string domain = 4;
        case 5 -> modelVersion = in.readInt64(tag, "ModelProto.model_version");    // int64 model_version = 5;
        case 6 -> in.skipBytes(tag, "ModelProto.doc_string");                     // string doc_string = 6;
        case 7 -> {                                                                // GraphProto graph = 7;
          long at = in.position();
          if (graph != null) {
            throw in.error(at, "ModelProto.graph appears more than once");
          }
          long outer = in.enter(tag, "ModelProto.graph");
          graph = graph(true);
          in.exit(outer);
        }
        case 8 -> opsets.add(opset(tag));                                          // repeated OperatorSetIdProto opset_import = 8;
        case 14 -> entry(tag, "ModelProto.metadata_props", metadata);              // repeated StringStringEntryProto metadata_props = 14;
        case 25 -> {                                                               // repeated FunctionProto functions = 25;
          long outer = in.enter(tag, "ModelProto.functions");
          function();
          in.exit(outer);
        }
        default -> in.skipField(tag);
      }
    }
    if (graph == null) {
      throw in.error(-1, "ModelProto has no graph");
    }
    return new OnnxModel(irVersion, producerName, producerVersion, domain, modelVersion, opsets, metadata,
        graph.name, graph.nodeCount, graph.opTypes, graph.inputs, graph.outputs, graph.initializers,
        graph.parameterCount, externalData);
  }

  /** What the main graph contributes; sub-graphs are walked for external data only. */
  private static final class Graph {
    String name = "";
    long nodeCount;
    final Map<String, Long> opTypes = new HashMap<>();
    final List<ValueInfo> inputs = new ArrayList<>();
    final List<ValueInfo> outputs = new ArrayList<>();
    final List<Initializer> initializers = new ArrayList<>();
    long parameterCount;
  }

  private Graph graph(boolean main) throws IOException, FormatException {
    Graph g = new Graph();
    while (in.hasMore()) {
      int tag = in.readTag();
      switch (fieldNumber(tag)) {
        case 1 -> {                                                                // repeated NodeProto node = 1;
          long outer = in.enter(tag, "GraphProto.node");
          String opType = node(main);
          in.exit(outer);
          if (main) {
            g.nodeCount++;
            if (!g.opTypes.containsKey(opType)) {
              retain(opType.length());
            }
            g.opTypes.merge(opType, 1L, Long::sum);
          }
        }
        case 2 -> g.name = main ? string(tag, "GraphProto.name") : skipString(tag, "GraphProto.name");
        case 5 -> {                                                                // repeated TensorProto initializer = 5;
          long at = in.position();
          long outer = in.enter(tag, "GraphProto.initializer");
          Initializer t = tensor(at);
          in.exit(outer);
          if (main) {
            retain(t.name().length());
            g.initializers.add(t);
            try {
              g.parameterCount = Math.addExact(g.parameterCount, t.elementCount());
            } catch (ArithmeticException e) {
              throw in.error(at, "total parameter count overflows int64 at initializer '" + t.name() + "'");
            }
          }
        }
        case 10 -> in.skipBytes(tag, "GraphProto.doc_string");
        case 11, 12 -> {                                                           // repeated ValueInfoProto input = 11, output = 12;
          String what = fieldNumber(tag) == 11 ? "GraphProto.input" : "GraphProto.output";
          if (!main) {
            in.skipBytes(tag, what);
            continue;
          }
          long outer = in.enter(tag, what);
          ValueInfo v = valueInfo();
          in.exit(outer);
          (fieldNumber(tag) == 11 ? g.inputs : g.outputs).add(v);
        }
        case 15 -> {                                                               // repeated SparseTensorProto sparse_initializer = 15;
          long outer = in.enter(tag, "GraphProto.sparse_initializer");
          sparseTensor();
          in.exit(outer);
        }
        default -> in.skipField(tag);
      }
    }
    return g;
  }

  /** Walks a NodeProto for tensors and sub-graphs in its attributes; returns its op type. */
  private String node(boolean main) throws IOException, FormatException {
    String opType = "";
    String domain = "";
    while (in.hasMore()) {
      int tag = in.readTag();
      switch (fieldNumber(tag)) {
        case 1, 2, 3, 6, 8 -> in.skipBytes(tag, "NodeProto field " + fieldNumber(tag)); // input, output, name, doc_string, overload
        case 4 -> opType = main ? string(tag, "NodeProto.op_type") : skipString(tag, "NodeProto.op_type");
        case 5 -> {                                                                // repeated AttributeProto attribute = 5;
          long outer = in.enter(tag, "NodeProto.attribute");
          attribute();
          in.exit(outer);
        }
        case 7 -> domain = main ? string(tag, "NodeProto.domain") : skipString(tag, "NodeProto.domain");
        default -> in.skipField(tag);
      }
    }
    return domain.isEmpty() || domain.equals("ai.onnx") ? opType : domain + ":" + opType;
  }

  private void attribute() throws IOException, FormatException {
    while (in.hasMore()) {
      int tag = in.readTag();
      switch (fieldNumber(tag)) {
        case 5, 10 -> {                                                            // TensorProto t = 5; repeated tensors = 10;
          long at = in.position();
          long outer = in.enter(tag, "AttributeProto.t");
          tensor(at);
          in.exit(outer);
        }
        case 6, 11 -> {                                                            // GraphProto g = 6; repeated graphs = 11;
          long outer = in.enter(tag, "AttributeProto.g");
          graph(false);
          in.exit(outer);
        }
        case 22, 23 -> {                                                           // SparseTensorProto sparse_tensor = 22; sparse_tensors = 23;
          long outer = in.enter(tag, "AttributeProto.sparse_tensor");
          sparseTensor();
          in.exit(outer);
        }
        default -> in.skipField(tag);
      }
    }
  }

  private void sparseTensor() throws IOException, FormatException {
    while (in.hasMore()) {
      int tag = in.readTag();
      int field = fieldNumber(tag);
      if (field == 1 || field == 2) {                                              // TensorProto values = 1; indices = 2;
        long at = in.position();
        long outer = in.enter(tag, field == 1 ? "SparseTensorProto.values" : "SparseTensorProto.indices");
        tensor(at);
        in.exit(outer);
      } else {
        in.skipField(tag);
      }
    }
  }

  private void function() throws IOException, FormatException {
    while (in.hasMore()) {
      int tag = in.readTag();
      if (fieldNumber(tag) == 7) {                                                 // repeated NodeProto node = 7;
        long outer = in.enter(tag, "FunctionProto.node");
        node(false);
        in.exit(outer);
      } else {
        in.skipField(tag);
      }
    }
  }

  /** Reads a TensorProto's header fields; {@code at} is where its field began, for errors. */
  private Initializer tensor(long at) throws IOException, FormatException {
    String name = "";
    int dataType = 0;
    List<Long> dims = new ArrayList<>();
    long rawLength = -1;
    long typedCount = 0;
    long stringBytes = 0;
    boolean typedSeen = false;
    int dataLocation = 0;
    Map<String, String> external = new LinkedHashMap<>();
    while (in.hasMore()) {
      int tag = in.readTag();
      switch (fieldNumber(tag)) {
        case 1 -> {                                                                // repeated int64 dims = 1;
          if (wireType(tag) == LEN) {
            long outer = in.enter(tag, "TensorProto.dims");
            while (in.hasMore()) {
              dims.add(dim(in.position()));
            }
            in.exit(outer);
          } else {
            in.expect(tag, VARINT, "TensorProto.dims");
            dims.add(dim(in.position()));
          }
        }
        case 2 -> dataType = in.readInt32(tag, "TensorProto.data_type");          // int32 data_type = 2;
        case 4 -> {                                                                // repeated float float_data = 4 [packed];
          typedSeen = true;
          typedCount += fixedWidth(tag, FIXED32, 4, "TensorProto.float_data");
        }
        case 10 -> {                                                               // repeated double double_data = 10 [packed];
          typedSeen = true;
          typedCount += fixedWidth(tag, FIXED64, 8, "TensorProto.double_data");
        }
        case 5, 7, 11 -> {                                                         // int32_data = 5; int64_data = 7; uint64_data = 11;
          typedSeen = true;
          String what = "TensorProto field " + fieldNumber(tag);
          if (wireType(tag) == LEN) {
            long length = in.readLength(what);
            typedCount += in.countPackedVarints(length, what);
          } else {
            in.readInt64(tag, what);
            typedCount++;
          }
        }
        case 6 -> {                                                                // repeated bytes string_data = 6;
          typedSeen = true;
          typedCount++;
          stringBytes += in.skipBytes(tag, "TensorProto.string_data");
        }
        case 8 -> name = string(tag, "TensorProto.name");                         // string name = 8;
        case 9 -> rawLength = in.skipBytes(tag, "TensorProto.raw_data");         // bytes raw_data = 9;
        case 13 -> entry(tag, "TensorProto.external_data", external);             // repeated StringStringEntryProto external_data = 13;
        case 14 -> dataLocation = in.readInt32(tag, "TensorProto.data_location"); // DataLocation data_location = 14;
        default -> in.skipField(tag);
      }
    }
    try {
      long n = 1;
      for (long d : dims) {
        n = Math.multiplyExact(n, d);
      }
    } catch (ArithmeticException e) {
      throw in.error(at, "tensor '" + name + "': element count of dims " + dims + " overflows int64");
    }

    Optional<ExternalData> ref = Optional.empty();
    OptionalLong byteSize = OptionalLong.empty();
    if (dataLocation == DATA_LOCATION_EXTERNAL) {
      ExternalData data = externalData(name, external, at);
      externalData.add(data);
      ref = Optional.of(data);
      byteSize = data.length();
    } else if (rawLength >= 0) {
      byteSize = OptionalLong.of(rawLength);
    } else if (typedSeen) {
      byteSize = typedBytes(dataType, typedCount, stringBytes);
    }
    return new Initializer(name, OnnxDataType.nameOf(dataType), dims, byteSize, ref);
  }

  private long dim(long at) throws IOException, FormatException {
    long d = in.readVarint("TensorProto.dims");
    if (d < 0) {
      throw in.error(at, "TensorProto.dims: negative dimension " + d);
    }
    retain(24);
    return d;
  }

  /** Elements in a fixed-width repeated field, unpacked (one) or packed (length / width). */
  private long fixedWidth(int tag, int wire, int width, String what) throws IOException, FormatException {
    if (wireType(tag) == LEN) {
      long at = in.position();
      long length = in.skipBytes(tag, what);
      if (length % width != 0) {
        throw in.error(at, what + ": packed length " + length + " is not a multiple of " + width);
      }
      return length / width;
    }
    in.expect(tag, wire, what);
    in.skipField(tag);
    return 1;
  }

  private static OptionalLong typedBytes(int dataType, long count, long stringBytes) {
    OnnxDataType type = OnnxDataType.byId(dataType);
    if (type == OnnxDataType.STRING) {
      return OptionalLong.of(stringBytes);
    }
    if (type == null || type.bits().isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Math.addExact(Math.multiplyExact(count, type.bits().getAsInt()), 7) / 8);
    } catch (ArithmeticException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * The {@code external_data} keys onnx defines: {@code location} (required), {@code offset},
   * {@code length}, {@code checksum}. Offsets and lengths must be non-negative decimal integers.
   */
  private ExternalData externalData(String tensor, Map<String, String> entries, long at) throws FormatException {
    String location = entries.get("location");
    if (location == null) {
      throw in.error(at, "tensor '" + tensor + "': data_location is EXTERNAL but external_data has no location");
    }
    long offset = entries.containsKey("offset") ? nonNegative(entries.get("offset"), "offset", tensor, at) : 0;
    OptionalLong length = entries.containsKey("length")
        ? OptionalLong.of(nonNegative(entries.get("length"), "length", tensor, at))
        : OptionalLong.empty();
    return new ExternalData(tensor, location, offset, length);
  }

  private long nonNegative(String value, String key, String tensor, long at) throws FormatException {
    if (value.isEmpty() || value.length() > 19 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw in.error(at, "tensor '" + tensor + "': external_data " + key + " '" + value
          + "' is not a non-negative integer");
    }
    return Long.parseLong(value);
  }

  private OpsetId opset(int tag) throws IOException, FormatException {
    long outer = in.enter(tag, "ModelProto.opset_import");
    String domain = "";
    long version = 0;
    while (in.hasMore()) {
      int t = in.readTag();
      switch (fieldNumber(t)) {
        case 1 -> domain = string(t, "OperatorSetIdProto.domain");               // string domain = 1;
        case 2 -> version = in.readInt64(t, "OperatorSetIdProto.version");       // int64 version = 2;
        default -> in.skipField(t);
      }
    }
    in.exit(outer);
    retain(32);
    return new OpsetId(domain, version);
  }

  /** A StringStringEntryProto (key = 1, value = 2) into {@code into}; a repeated key is an error. */
  private void entry(int tag, String what, Map<String, String> into) throws IOException, FormatException {
    long at = in.position();
    long outer = in.enter(tag, what);
    String key = "";
    String value = "";
    while (in.hasMore()) {
      int t = in.readTag();
      switch (fieldNumber(t)) {
        case 1 -> key = string(t, what + ".key");
        case 2 -> value = string(t, what + ".value");
        default -> in.skipField(t);
      }
    }
    in.exit(outer);
    if (into.putIfAbsent(key, value) != null) {
      throw in.error(at, what + ": key '" + key + "' appears more than once");
    }
    retain(32);
  }

  private ValueInfo valueInfo() throws IOException, FormatException {
    String name = "";
    String kind = "none";
    TensorType type = new TensorType(0, Optional.empty());
    while (in.hasMore()) {
      int tag = in.readTag();
      switch (fieldNumber(tag)) {
        case 1 -> name = string(tag, "ValueInfoProto.name");                      // string name = 1;
        case 2 -> {                                                                // TypeProto type = 2;
          long outer = in.enter(tag, "ValueInfoProto.type");
          while (in.hasMore()) {
            int t = in.readTag();
            switch (fieldNumber(t)) {
              case 1, 8 -> {                                                       // Tensor tensor_type = 1; SparseTensor sparse_tensor_type = 8;
                kind = fieldNumber(t) == 1 ? "tensor" : "sparse_tensor";
                long o = in.enter(t, "TypeProto.tensor_type");
                type = tensorType();
                in.exit(o);
              }
              case 4 -> kind = skipKind(t, "sequence");                            // Sequence sequence_type = 4;
              case 5 -> kind = skipKind(t, "map");                                 // Map map_type = 5;
              case 9 -> kind = skipKind(t, "optional");                            // Optional optional_type = 9;
              default -> in.skipField(t);
            }
          }
          in.exit(outer);
        }
        default -> in.skipField(tag);
      }
    }
    retain(32);
    return new ValueInfo(name, kind, OnnxDataType.nameOf(type.elemType), type.shape);
  }

  private String skipKind(int tag, String kind) throws IOException, FormatException {
    in.skipBytes(tag, "TypeProto." + kind + "_type");
    return kind;
  }

  private record TensorType(int elemType, Optional<List<Dim>> shape) {}

  private TensorType tensorType() throws IOException, FormatException {
    int elemType = 0;
    Optional<List<Dim>> shape = Optional.empty();
    while (in.hasMore()) {
      int tag = in.readTag();
      switch (fieldNumber(tag)) {
        case 1 -> elemType = in.readInt32(tag, "TypeProto.Tensor.elem_type");     // int32 elem_type = 1;
        case 2 -> {                                                                // TensorShapeProto shape = 2;
          long outer = in.enter(tag, "TypeProto.Tensor.shape");
          List<Dim> dims = new ArrayList<>();
          while (in.hasMore()) {
            int t = in.readTag();
            if (fieldNumber(t) == 1) {                                             // repeated Dimension dim = 1;
              long o = in.enter(t, "TensorShapeProto.dim");
              dims.add(shapeDim());
              in.exit(o);
            } else {
              in.skipField(t);
            }
          }
          in.exit(outer);
          shape = Optional.of(dims);
        }
        default -> in.skipField(tag);
      }
    }
    return new TensorType(elemType, shape);
  }

  private Dim shapeDim() throws IOException, FormatException {
    Dim dim = new Dim.Unknown();
    while (in.hasMore()) {
      int tag = in.readTag();
      switch (fieldNumber(tag)) {
        case 1 -> dim = new Dim.Value(in.readInt64(tag, "Dimension.dim_value"));  // int64 dim_value = 1;
        case 2 -> dim = new Dim.Param(string(tag, "Dimension.dim_param"));         // string dim_param = 2;
        default -> in.skipField(tag);
      }
    }
    retain(32);
    return dim;
  }

  private String string(int tag, String what) throws IOException, FormatException {
    String s = in.readString(tag, what, MAX_STRING_BYTES);
    retain(s.length());
    return s;
  }

  /** Validates a string field's framing without keeping it. */
  private String skipString(int tag, String what) throws IOException, FormatException {
    in.skipBytes(tag, what);
    return "";
  }

  /** Counts what the summary keeps against {@link #MAX_RETAINED_BYTES}. */
  private void retain(long bytes) throws FormatException {
    retained += bytes;
    if (retained > MAX_RETAINED_BYTES) {
      throw in.error(in.position(), "the model summary would retain more than " + MAX_RETAINED_BYTES
          + " bytes of names, dims and entries");
    }
  }
}
