package org.arbor.formats.pickle;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * A value on the stack of the simulated unpickler. Nothing here is ever a live Python object:
 * a call is recorded as {@link Call} (callee and arguments), an import as {@link Global}.
 * Containers are mutable, compare by identity and may contain themselves (a pickle can build
 * cycles through the memo), so code walking them must bound its depth.
 */
public sealed interface PickleValue {

  /** A str (or a py2 str decoded as text). */
  record Str(String value) implements PickleValue { }

  /** bytes/bytearray; {@code content} is null when it was too long to keep. */
  record Bytes(long length, byte[] content) implements PickleValue { }

  record Int(long value) implements PickleValue {
    private static final Int[] SMALL = new Int[1 << 16];

    /** A shared instance for 0…65535 (every BININT1/BININT2 value), a new one otherwise. */
    static Int of(long value) {
      if (value >= 0 && value < SMALL.length) {
        Int i = SMALL[(int) value];
        if (i == null) {
          SMALL[(int) value] = i = new Int(value); // benign race: equal records
        }
        return i;
      }
      return new Int(value);
    }
  }

  record BigInt(BigInteger value) implements PickleValue { }

  /**
   * A float. Its value is never needed (no check and no reader looks at floats), so it is not
   * materialised: every float is this one shared marker, which keeps the small-value path free of
   * allocation. Text FLOAT arguments are still validated.
   */
  enum FloatValue implements PickleValue { FLOAT }

  record Bool(boolean value) implements PickleValue {
    static final Bool TRUE = new Bool(true);
    static final Bool FALSE = new Bool(false);

    static Bool of(boolean value) {
      return value ? TRUE : FALSE;
    }
  }

  enum NoneValue implements PickleValue { NONE }

  /** The result of importing {@code module.name}; module and name are "unknown" when not static. */
  record Global(String module, String name) implements PickleValue {
    public String qualified() {
      return module + "." + name;
    }
  }

  /** A value the machine cannot represent: an out-of-band buffer, an extension code, a huge str. */
  record Opaque(String what) implements PickleValue { }

  /** Items kept in order; {@code dropped} counts items beyond the retention limit. */
  abstract sealed class Container implements PickleValue permits Tuple, ListValue, SetValue {
    public final List<PickleValue> items;
    public long dropped;

    Container(List<PickleValue> items) {
      this.items = items;
    }

    @Override
    public String toString() {
      return getClass().getSimpleName() + "(" + items.size() + (dropped > 0 ? "+" + dropped : "") + " items)";
    }
  }

  final class Tuple extends Container {
    public Tuple(List<PickleValue> items) {
      super(items);
    }
  }

  final class ListValue extends Container {
    public ListValue() {
      super(new ArrayList<>());
    }
  }

  final class SetValue extends Container {
    public final boolean frozen;

    public SetValue(boolean frozen) {
      super(new ArrayList<>());
      this.frozen = frozen;
    }
  }

  /** A dict: keys and values in insertion order (later duplicates are kept too). */
  final class DictValue implements PickleValue {
    public final List<PickleValue> keys = new ArrayList<>();
    public final List<PickleValue> values = new ArrayList<>();
    public long dropped;

    @Override
    public String toString() {
      return "DictValue(" + keys.size() + " entries)";
    }
  }

  /**
   * What {@code callee(*args)} would have returned (REDUCE, NEWOBJ, INST, OBJ). Items stored into
   * it by SETITEM(S)/APPEND(S) and the BUILD state are recorded, which is how an
   * {@code OrderedDict} state dict is read back.
   */
  final class Call implements PickleValue {
    public final PickleValue callee;
    public final PickleValue args;
    public final String opcode;
    public final DictValue setItems = new DictValue();
    public final ListValue appended = new ListValue();
    public PickleValue state;

    public Call(PickleValue callee, PickleValue args, String opcode) {
      this.callee = callee;
      this.args = args;
      this.opcode = opcode;
    }

    /** The callee when it is a plain import, else null. */
    public Global global() {
      return callee instanceof Global g ? g : null;
    }

    @Override
    public String toString() {
      return "Call(" + (callee instanceof Global g ? g.qualified() : callee.getClass().getSimpleName()) + ")";
    }
  }

  /** {@code persistent_load(pid)}: the loader's own code resolves it (PyTorch: tensor storages). */
  final class Persistent implements PickleValue {
    public final PickleValue pid;

    public Persistent(PickleValue pid) {
      this.pid = pid;
    }

    @Override
    public String toString() {
      return "Persistent";
    }
  }
}
