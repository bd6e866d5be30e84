package org.arbor.formats.torch;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.arbor.formats.FormatException;
import org.arbor.formats.io.ByteSource;
import org.arbor.formats.pickle.CallablePolicy;
import org.arbor.formats.pickle.PickleLimits;
import org.arbor.formats.pickle.PickleMachine;
import org.arbor.formats.pickle.PickleValue;
import org.arbor.formats.pickle.PickleValue.Call;
import org.arbor.formats.pickle.PickleValue.DictValue;
import org.arbor.formats.pickle.PickleValue.Global;
import org.arbor.formats.pickle.PickleValue.Int;
import org.arbor.formats.pickle.PickleValue.Persistent;
import org.arbor.formats.pickle.PickleValue.Str;
import org.arbor.formats.pickle.PickleValue.Tuple;
import org.arbor.formats.zip.ZipArchive;
import org.arbor.formats.zip.ZipDataException;

/**
 * Lists the tensors of a PyTorch zip checkpoint by interpreting {@code <root>/data.pkl} with the
 * {@link PickleMachine}; nothing is imported or called. A tensor is
 * {@code torch._utils._rebuild_tensor_v2(persistent_load(('storage', torch.<X>Storage, key,
 * location, numel)), offset, size, stride, …)}, optionally wrapped in {@code _rebuild_parameter}.
 * Scan the file with {@link org.arbor.formats.pickle.ModelFileScanner} before trusting it; this
 * reader only describes it.
 */
public final class TorchCheckpointReader {
  private static final int MAX_DEPTH = 32;
  private static final Map<String, Integer> ELEMENT_BYTES = Map.ofEntries(
      Map.entry("F64", 8), Map.entry("F32", 4), Map.entry("F16", 2), Map.entry("BF16", 2), Map.entry("I64", 8),
      Map.entry("I32", 4), Map.entry("I16", 2), Map.entry("I8", 1), Map.entry("U8", 1), Map.entry("BOOL", 1),
      Map.entry("C64", 8), Map.entry("C128", 16));

  private TorchCheckpointReader() { }

  /** The tensors of the checkpoint, in the order the pickle lists them. */
  public static List<TorchTensor> tensors(ByteSource source, String name) throws IOException, FormatException {
    ZipArchive zip = ZipArchive.open(source, name);
    if (zip == null || zip.start() != 0) {
      throw new FormatException(name, 0, "not a PyTorch zip checkpoint (no zip archive at offset 0)");
    }
    ZipArchive.Member dataPkl = null;
    Map<String, ZipArchive.Member> byName = new HashMap<>();
    for (ZipArchive.Member m : zip.members()) {
      if (byName.put(m.name(), m) != null) {
        throw new FormatException(name, "member " + m.name() + " appears twice");
      }
      if (m.name().equals("data.pkl") || (m.name().endsWith("/data.pkl") && m.name().indexOf('/') == m.name().length() - 9)) {
        if (dataPkl != null) {
          throw new FormatException(name, "more than one data.pkl: " + dataPkl.name() + ", " + m.name());
        }
        dataPkl = m;
      }
    }
    if (dataPkl == null) {
      throw new FormatException(name, "no <root>/data.pkl record; not a PyTorch zip checkpoint");
    }
    String root = dataPkl.name().substring(0, dataPkl.name().length() - "data.pkl".length());
    PickleValue object;
    try (InputStream in = zip.open(dataPkl)) {
      object = new PickleMachine(in, name, dataPkl.name(), PickleLimits.DEFAULT).next();
    } catch (ZipDataException e) {
      throw new FormatException(name, "cannot read " + dataPkl.name() + ": " + e.getMessage());
    }
    if (object == null) {
      throw new FormatException(name, dataPkl.name() + " is empty");
    }
    List<TorchTensor> out = new ArrayList<>();
    new Walker(name, dataPkl.name(), out).walk(object, "", 0);
    for (TorchTensor t : out) {
      ZipArchive.Member data = byName.get(root + "data/" + t.storageKey());
      if (data == null) {
        throw new FormatException(name, "tensor " + t.name() + ": storage record " + root + "data/" + t.storageKey() + " is missing");
      }
    }
    return out;
  }

  private static final class Walker {
    private final String resource;
    private final String member;
    private final List<TorchTensor> out;
    private long visits;

    Walker(String resource, String member, List<TorchTensor> out) {
      this.resource = resource;
      this.member = member;
      this.out = out;
    }

    void walk(PickleValue v, String path, int depth) throws FormatException {
      if (++visits > 10_000_000) {
        throw new FormatException(resource, member + ": too many objects to walk (shared references?)");
      }
      if (depth > MAX_DEPTH) {
        throw new FormatException(resource, member + ": objects nested deeper than " + MAX_DEPTH + " levels");
      }
      switch (v) {
        case DictValue d -> walkDict(d, path, depth);
        case Call c when c.global() != null && isTensor(c.global()) -> out.add(tensor(c, path));
        case Call c when c.global() != null && isParameter(c.global()) -> {
          if (!(c.args instanceof Tuple t) || t.items.isEmpty()) {
            throw new FormatException(resource, member + ": " + path + ": _rebuild_parameter without a tensor");
          }
          walk(t.items.getFirst(), path, depth + 1);
        }
        case Call c when c.global() != null && c.global().qualified().equals("collections.OrderedDict") ->
            walkDict(c.setItems, path, depth);
        case PickleValue.Container c -> {
          for (int i = 0; i < c.items.size(); i++) {
            walk(c.items.get(i), join(path, Integer.toString(i)), depth + 1);
          }
        }
        default -> { }
      }
    }

    private void walkDict(DictValue d, String path, int depth) throws FormatException {
      for (int i = 0; i < d.keys.size(); i++) {
        String key = switch (d.keys.get(i)) {
          case Str s -> s.value();
          case Int n -> Long.toString(n.value());
          default -> "[" + i + "]";
        };
        walk(d.values.get(i), join(path, key), depth + 1);
      }
    }

    private TorchTensor tensor(Call c, String path) throws FormatException {
      String what = member + ": tensor '" + path + "'";
      if (!(c.args instanceof Tuple t) || t.items.size() < 4) {
        throw new FormatException(resource, what + ": expected (storage, offset, size, stride, …) arguments");
      }
      if (!(t.items.get(0) instanceof Persistent p) || !(p.pid instanceof Tuple pid) || pid.items.size() < 5
          || !(pid.items.get(0) instanceof Str tag) || !tag.value().equals("storage")
          || !(pid.items.get(1) instanceof Global cls) || !(pid.items.get(2) instanceof Str key)
          || !(pid.items.get(4) instanceof Int)) {
        throw new FormatException(resource, what + ": storage is not a persistent id ('storage', <class>, key, location, numel)");
      }
      String dtype = cls.module().equals("torch") || cls.module().equals("torch.storage")
          ? CallablePolicy.STORAGE_DTYPES.get(cls.name()) : null;
      if (dtype == null) {
        throw new FormatException(resource, what + ": unknown storage class " + cls.qualified());
      }
      if (!(t.items.get(1) instanceof Int offset) || offset.value() < 0) {
        throw new FormatException(resource, what + ": storage offset is not a non-negative int");
      }
      List<Long> shape = ints(t.items.get(2), what + ": size");
      List<Long> stride = ints(t.items.get(3), what + ": stride");
      if (stride.size() != shape.size()) {
        throw new FormatException(resource, what + ": size has " + shape.size() + " dimensions, stride " + stride.size());
      }
      long numel = ((Int) pid.items.get(4)).value();
      long extent = 0;
      boolean empty = false;
      for (int i = 0; i < shape.size(); i++) {
        empty |= shape.get(i) == 0;
        extent = Math.addExact(extent, Math.multiplyExact(shape.get(i) - 1, stride.get(i)));
      }
      if (!empty && (numel < 0 || offset.value() + extent >= numel)) {
        throw new FormatException(resource, what + ": reaches element " + (offset.value() + extent)
            + " of a storage holding " + numel);
      }
      return new TorchTensor(path, dtype, shape, key.value());
    }

    private List<Long> ints(PickleValue v, String what) throws FormatException {
      if (!(v instanceof Tuple t) || t.dropped > 0) {
        throw new FormatException(resource, what + " is not a tuple of ints");
      }
      List<Long> out = new ArrayList<>();
      for (PickleValue item : t.items) {
        if (!(item instanceof Int n) || n.value() < 0) {
          throw new FormatException(resource, what + " is not a tuple of non-negative ints");
        }
        out.add(n.value());
      }
      return out;
    }
  }

  private static boolean isTensor(Global g) {
    return g.module().equals("torch._utils")
        && (g.name().equals("_rebuild_tensor_v2") || g.name().equals("_rebuild_tensor"));
  }

  private static boolean isParameter(Global g) {
    return g.module().equals("torch._utils")
        && (g.name().equals("_rebuild_parameter") || g.name().equals("_rebuild_parameter_with_state"));
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** Bytes per element of {@code dtype}, or 0 when not fixed (quantized types). */
  public static int elementBytes(String dtype) {
    return ELEMENT_BYTES.getOrDefault(dtype, 0);
  }
}
