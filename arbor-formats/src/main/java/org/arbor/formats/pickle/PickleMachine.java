package org.arbor.formats.pickle;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.arbor.formats.FormatException;
import org.arbor.formats.pickle.PickleValue.Bool;
import org.arbor.formats.pickle.PickleValue.Bytes;
import org.arbor.formats.pickle.PickleValue.Call;
import org.arbor.formats.pickle.PickleValue.Container;
import org.arbor.formats.pickle.PickleValue.DictValue;
import org.arbor.formats.pickle.PickleValue.FloatValue;
import org.arbor.formats.pickle.PickleValue.Global;
import org.arbor.formats.pickle.PickleValue.Int;
import org.arbor.formats.pickle.PickleValue.ListValue;
import org.arbor.formats.pickle.PickleValue.NoneValue;
import org.arbor.formats.pickle.PickleValue.Opaque;
import org.arbor.formats.pickle.PickleValue.Persistent;
import org.arbor.formats.pickle.PickleValue.SetValue;
import org.arbor.formats.pickle.PickleValue.Str;
import org.arbor.formats.pickle.PickleValue.Tuple;

/**
 * A simulated unpickler: it applies the stack effect of every opcode of protocols 0–5 to symbolic
 * values and never imports or calls anything. Each import (GLOBAL, STACK_GLOBAL, INST, EXT*) and
 * each call site (REDUCE, NEWOBJ, NEWOBJ_EX, INST, OBJ, BUILD) becomes a {@link Finding} judged by
 * {@link CallablePolicy}; callees and STACK_GLOBAL operands are resolved through the stack and the
 * memo, so indirection and decoys do not hide them. The stream is read once, in a fixed buffer;
 * everything the machine keeps is bounded by {@link PickleLimits}.
 *
 * <p>Call {@link #next()} until it returns null to walk consecutive pickles; each gets a fresh
 * stack and memo, as a new {@code pickle.load} call would.
 */
public final class PickleMachine {
  private final PickleInput in;
  private final String member;
  private final String where;
  private final PickleLimits limits;
  private final int nesting;

  private final List<Finding> findings = new ArrayList<>();
  private final Set<String> reported = new HashSet<>();
  private Severity worst;
  private boolean capNoted;

  private Object[] stack = new Object[64]; // Object[]: a store needs no interface type check
  private int sp;
  private int[] marks = new int[16];
  private int mp;
  private PickleValue[] memo = new PickleValue[64];
  private Map<Long, PickleValue> sparseMemo;
  private int memoCount;
  private int retainedElements;
  private long retainedBytes;
  private int pickles;
  private long opOffset;

  /**
   * @param in the pickle stream (read, not closed)
   * @param resource the file name, for messages and exceptions
   * @param member the archive member the stream comes from, or null
   */
  public PickleMachine(InputStream in, String resource, String member, PickleLimits limits) {
    this(in, resource, member, limits, 0);
  }

  private PickleMachine(InputStream in, String resource, String member, PickleLimits limits, int nesting) {
    this.in = new PickleInput(in, member != null ? member : resource);
    this.member = member;
    this.where = member != null ? member : resource;
    this.limits = limits;
    this.nesting = nesting;
  }

  /** Findings so far, in the order seen. */
  public List<Finding> findings() {
    return List.copyOf(findings);
  }

  /** Stream offset of the next unread byte. */
  public long offset() {
    return in.offset();
  }

  /** Number of pickles started so far. */
  public int pickles() {
    return pickles;
  }

  /**
   * Runs the next pickle to its STOP and returns the value it would produce.
   *
   * @return the result, or null when the stream ends before another pickle starts
   * @throws FormatException when the pickle is malformed, truncated, uses an unknown opcode or
   *     exceeds a limit; findings seen before the problem remain available
   */
  public PickleValue next() throws IOException, FormatException {
    int op = in.readOrEof();
    if (op < 0) {
      return null;
    }
    if (++pickles > limits.maxPickles()) {
      throw new FormatException(where, in.offset() - 1, "more than " + limits.maxPickles() + " pickles in one stream");
    }
    reset();
    while (true) {
      opOffset = in.offset() - 1;
      if (!smallValue(op) && step(op)) {
        PickleValue result = pop();
        reset();
        return result;
      }
      op = in.u1("a pickle (no STOP opcode)");
    }
  }

  private void reset() {
    Arrays.fill(stack, 0, sp, null);
    sp = 0;
    mp = 0;
    memo = new PickleValue[64];
    sparseMemo = null;
    memoCount = 0;
    retainedElements = 0;
  }

  /**
   * The opcodes that make up most of a big pickle (numbers, markers, constants), applied in a
   * method small enough for the JIT to inline into the loop; false leaves {@code op} to
   * {@link #step}. Same effects as there.
   */
  private boolean smallValue(int op) throws IOException, FormatException {
    switch (op) {
      case 0x47 -> { // BINFLOAT
        in.skip8("BINFLOAT");
        push(FloatValue.FLOAT);
      }
      case 0x4A -> push(Int.of(in.s4("BININT")));
      case 0x4B -> push(Int.of(in.u1("BININT1")));
      case 0x4D -> push(Int.of(in.u2("BININT2")));
      case 0x4E -> push(NoneValue.NONE);
      case 0x88 -> push(Bool.TRUE);
      case 0x89 -> push(Bool.FALSE);
      case 0x28 -> mark();
      default -> {
        return false;
      }
    }
    return true;
  }

  /** Applies one opcode; true at STOP. */
  private boolean step(int op) throws IOException, FormatException {
    switch (op) {
      case 0x28 -> mark(); // MARK
      case 0x2E -> { // STOP
        return true;
      }
      case 0x30 -> { // POP
        if (sp > frameBase()) {
          stack[--sp] = null;
        } else {
          popMark();
        }
      }
      case 0x32 -> push(top()); // DUP
      case 0x31 -> popMark(); // POP_MARK
      case 0x49 -> push(parseInt(text("INT"), true)); // INT
      case 0x4A -> push(Int.of(in.s4("BININT"))); // BININT
      case 0x4B -> push(Int.of(in.u1("BININT1"))); // BININT1
      case 0x4D -> push(Int.of(in.u2("BININT2"))); // BININT2
      case 0x4C -> { // LONG
        String s = text("LONG");
        push(parseInt(s.endsWith("L") ? s.substring(0, s.length() - 1) : s, false));
      }
      case 0x8A -> push(longN(in.u1("LONG1"), "LONG1")); // LONG1
      case 0x8B -> push(longN(in.s4("LONG4"), "LONG4")); // LONG4
      case 0x46 -> push(parseFloat(text("FLOAT"))); // FLOAT
      case 0x47 -> { // BINFLOAT: 8 bytes whose value no check needs
        in.skip8("BINFLOAT");
        push(FloatValue.FLOAT);
      }
      case 0x4E -> push(NoneValue.NONE);
      case 0x88 -> push(Bool.TRUE);
      case 0x89 -> push(Bool.FALSE);
      case 0x53 -> push(new Str(new String(pyStringLiteral(in.line(limits.maxLine(), "STRING")), ISO_8859_1)));
      case 0x54 -> push(str(in.s4("BINSTRING"), ISO_8859_1, "BINSTRING")); // string4, signed
      case 0x55 -> push(str(in.u1("SHORT_BINSTRING"), ISO_8859_1, "SHORT_BINSTRING"));
      case 0x56 -> push(new Str(rawUnicodeEscape(in.line(limits.maxLine(), "UNICODE")))); // UNICODE
      case 0x58 -> push(str(in.u4("BINUNICODE"), null, "BINUNICODE"));
      case 0x8C -> push(str(in.u1("SHORT_BINUNICODE"), null, "SHORT_BINUNICODE"));
      case 0x8D -> push(str(in.s8("BINUNICODE8"), null, "BINUNICODE8"));
      case 0x42 -> push(bytes(in.u4("BINBYTES"), "BINBYTES"));
      case 0x43 -> push(bytes(in.u1("SHORT_BINBYTES"), "SHORT_BINBYTES"));
      case 0x8E -> push(bytes(in.s8("BINBYTES8"), "BINBYTES8"));
      case 0x96 -> push(bytes(in.s8("BYTEARRAY8"), "BYTEARRAY8"));
      case 0x5D -> push(new ListValue()); // EMPTY_LIST
      case 0x7D -> push(new DictValue()); // EMPTY_DICT
      case 0x29 -> push(new Tuple(List.of())); // EMPTY_TUPLE
      case 0x8F -> push(new SetValue(false)); // EMPTY_SET
      case 0x6C -> { // LIST
        ListValue l = new ListValue();
        addAll(l, popMark());
        push(l);
      }
      case 0x64 -> { // DICT
        DictValue d = new DictValue();
        putAll(d, popMark(), "DICT");
        push(d);
      }
      case 0x74 -> push(tuple(popMark())); // TUPLE
      case 0x91 -> { // FROZENSET
        SetValue s = new SetValue(true);
        addAll(s, popMark());
        push(s);
      }
      case 0x85 -> push(tupleFromStack(1)); // TUPLE1
      case 0x86 -> push(tupleFromStack(2)); // TUPLE2
      case 0x87 -> push(tupleFromStack(3)); // TUPLE3
      case 0x61 -> { // APPEND
        PickleValue v = pop();
        append(top(), new PickleValue[] {v}, 0, 1);
      }
      case 0x65, 0x90 -> appendMarked(); // APPENDS, ADDITEMS
      case 0x73 -> { // SETITEM
        PickleValue v = pop();
        PickleValue k = pop();
        setItems(top(), List.of(k, v), "SETITEM");
      }
      case 0x75 -> setItemsMarked(); // SETITEMS
      case 0x67 -> push(memoGet(parseIndex(text("GET")))); // GET
      case 0x68 -> push(memoGet(in.u1("BINGET")));
      case 0x6A -> push(memoGet(in.u4("LONG_BINGET")));
      case 0x70 -> memoPut(parseIndex(text("PUT"))); // PUT
      case 0x71 -> memoPut(in.u1("BINPUT"));
      case 0x72 -> memoPut(in.u4("LONG_BINPUT"));
      case 0x94 -> memoPut(memoCount); // MEMOIZE: index = len(memo)
      case 0x63 -> { // GLOBAL
        Global g = new Global(utf8(in.line(limits.maxLine(), "GLOBAL module")), utf8(in.line(limits.maxLine(), "GLOBAL name")));
        recordImport(g, "GLOBAL");
        push(g);
      }
      case 0x93 -> { // STACK_GLOBAL
        PickleValue name = pop();
        PickleValue module = pop();
        Global g = module instanceof Str m && name instanceof Str n ? new Global(m.value(), n.value())
            : new Global("unknown", "unknown");
        recordImport(g, "STACK_GLOBAL");
        push(g);
      }
      case 0x69 -> { // INST
        Global g = new Global(utf8(in.line(limits.maxLine(), "INST module")), utf8(in.line(limits.maxLine(), "INST name")));
        recordImport(g, "INST");
        Tuple args = tuple(popMark());
        recordCall(g, args, "INST");
        push(new Call(g, args, "INST"));
      }
      case 0x6F -> { // OBJ
        List<PickleValue> items = popMark();
        if (items.isEmpty()) {
          throw malformed("OBJ without a class after MARK");
        }
        Tuple args = tuple(items.subList(1, items.size()));
        recordCall(items.getFirst(), args, "OBJ");
        push(new Call(items.getFirst(), args, "OBJ"));
      }
      case 0x52 -> { // REDUCE
        PickleValue args = pop();
        PickleValue callee = pop();
        recordCall(callee, args, "REDUCE");
        push(new Call(callee, args, "REDUCE"));
      }
      case 0x81 -> { // NEWOBJ
        PickleValue args = pop();
        PickleValue cls = pop();
        recordCall(cls, args, "NEWOBJ");
        push(new Call(cls, args, "NEWOBJ"));
      }
      case 0x92 -> { // NEWOBJ_EX
        PickleValue kwargs = pop();
        PickleValue args = pop();
        PickleValue cls = pop();
        recordCall(cls, tuple(List.of(args, kwargs)), "NEWOBJ_EX");
        push(new Call(cls, args, "NEWOBJ_EX"));
      }
      case 0x62 -> build(); // BUILD
      case 0x82 -> extension(in.u1("EXT1"), "EXT1");
      case 0x83 -> extension(in.u2("EXT2"), "EXT2");
      case 0x84 -> extension(in.s4("EXT4"), "EXT4");
      case 0x50 -> { // PERSID
        byte[] line = in.line(limits.maxLine(), "PERSID");
        Persistent p = new Persistent(new Str(new String(line, ISO_8859_1)));
        recordPersistent(p, "PERSID");
        push(p);
      }
      case 0x51 -> { // BINPERSID
        Persistent p = new Persistent(pop());
        recordPersistent(p, "BINPERSID");
        push(p);
      }
      case 0x80 -> { // PROTO
        int proto = in.u1("PROTO");
        if (proto > 5) {
          throw malformed("unsupported pickle protocol " + proto);
        }
      }
      case 0x95 -> in.skip8("FRAME"); // FRAME: a length hint only
      case 0x97 -> push(new Opaque("out-of-band buffer")); // NEXT_BUFFER
      case 0x98 -> top(); // READONLY_BUFFER: top stays
      default -> {
        throw malformed(String.format("unknown opcode 0x%02x; a loader stops here, a scanner cannot vouch for the rest", op));
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- stack and memo

  private int frameBase() {
    return mp == 0 ? 0 : marks[mp - 1];
  }

  private void push(PickleValue v) throws FormatException {
    if (sp == stack.length) {
      if (sp >= limits.maxStack()) {
        throw malformed("stack deeper than " + limits.maxStack() + " values");
      }
      stack = Arrays.copyOf(stack, Math.min(limits.maxStack(), sp * 2));
    }
    stack[sp++] = v;
  }

  private PickleValue pop() throws FormatException {
    if (sp <= frameBase()) {
      throw malformed("stack underflow");
    }
    PickleValue v = (PickleValue) stack[--sp];
    stack[sp] = null;
    return v;
  }

  private PickleValue top() throws FormatException {
    if (sp <= frameBase()) {
      throw malformed("stack underflow");
    }
    return (PickleValue) stack[sp - 1];
  }

  private void mark() throws FormatException {
    if (mp == marks.length) {
      if (mp >= limits.maxMarks()) {
        throw malformed("more than " + limits.maxMarks() + " nested MARKs");
      }
      marks = Arrays.copyOf(marks, mp * 2);
    }
    marks[mp++] = sp;
  }

  private List<PickleValue> popMark() throws FormatException {
    if (mp == 0) {
      throw malformed("no MARK to pop to");
    }
    int from = marks[--mp];
    List<PickleValue> items = new ArrayList<>(sp - from);
    for (int i = from; i < sp; i++) {
      items.add((PickleValue) stack[i]);
      stack[i] = null;
    }
    sp = from;
    return items;
  }

  private PickleValue memoGet(long index) throws FormatException {
    PickleValue v = index >= 0 && index < memo.length ? memo[(int) index]
        : sparseMemo != null ? sparseMemo.get(index) : null;
    if (v == null) {
      throw malformed("memo key " + index + " was never stored");
    }
    return v;
  }

  private void memoPut(long index) throws FormatException {
    PickleValue v = top();
    boolean fresh = index >= 0 && index < memo.length ? memo[(int) index] == null
        : sparseMemo == null || !sparseMemo.containsKey(index);
    if (fresh && ++memoCount > limits.maxMemoEntries()) {
      throw malformed("more than " + limits.maxMemoEntries() + " memo entries");
    }
    if (index >= 0 && index < memo.length) {
      memo[(int) index] = v;
    } else if (index >= 0 && index < Math.max(1024L, 2L * memoCount) && index < Integer.MAX_VALUE - 8) {
      memo = Arrays.copyOf(memo, (int) Math.max(index + 1, Math.min(Integer.MAX_VALUE - 8, memo.length * 2L)));
      memo[(int) index] = v;
    } else {
      if (sparseMemo == null) {
        sparseMemo = new HashMap<>();
      }
      sparseMemo.put(index, v);
    }
  }

  // ---------------------------------------------------------------- containers

  private Tuple tuple(List<PickleValue> items) {
    if (retainedElements + items.size() > limits.maxRetainedElements()) {
      Tuple t = new Tuple(List.of());
      t.dropped = items.size();
      return t;
    }
    retainedElements += items.size();
    return new Tuple(items instanceof ArrayList<?> ? items : new ArrayList<>(items));
  }

  /** TUPLE1/2/3: the top {@code n} values, popped into one tuple without an intermediate list. */
  private Tuple tupleFromStack(int n) throws FormatException {
    if (sp - frameBase() < n) {
      throw malformed("stack underflow");
    }
    int from = sp - n;
    Tuple t;
    if (retainedElements + n > limits.maxRetainedElements()) {
      t = new Tuple(List.of());
      t.dropped = n;
    } else {
      retainedElements += n;
      ArrayList<PickleValue> items = new ArrayList<>(n);
      for (int i = from; i < sp; i++) {
        items.add((PickleValue) stack[i]);
      }
      t = new Tuple(items);
    }
    clear(from, sp);
    return t;
  }

  private void addAll(Container c, List<PickleValue> items) {
    for (PickleValue v : items) {
      if (retainedElements < limits.maxRetainedElements()) {
        c.items.add(v);
        retainedElements++;
      } else {
        c.dropped++;
      }
    }
  }

  private void addAll(Container c, Object[] a, int from, int to) {
    int keep = (int) Math.max(0, Math.min(to - from, (long) limits.maxRetainedElements() - retainedElements));
    for (int i = from; i < from + keep; i++) {
      c.items.add((PickleValue) a[i]);
    }
    retainedElements += keep;
    c.dropped += to - from - keep;
  }

  /** APPENDS/ADDITEMS: the items above the last MARK go into the object below it, straight from the stack. */
  private void appendMarked() throws FormatException {
    if (mp == 0) {
      throw malformed("no MARK to pop to");
    }
    int from = marks[--mp];
    int to = sp;
    if (from <= frameBase()) {
      clear(from, to);
      throw malformed("stack underflow");
    }
    append((PickleValue) stack[from - 1], stack, from, to);
    clear(from, to);
  }

  /** SETITEMS: the pairs above the last MARK go into the object below it, straight from the stack. */
  private void setItemsMarked() throws FormatException {
    if (mp == 0) {
      throw malformed("no MARK to pop to");
    }
    int from = marks[--mp];
    int to = sp;
    if (from <= frameBase()) {
      clear(from, to);
      throw malformed("stack underflow");
    }
    PickleValue target = (PickleValue) stack[from - 1];
    try {
      switch (target) {
        case DictValue d -> putAll(d, stack, from, to, "SETITEMS");
        case Call c -> putAll(c.setItems, stack, from, to, "SETITEMS");
        default -> {
          if ((to - from) % 2 != 0) {
            throw malformed("SETITEMS with an odd number of items");
          }
        }
      }
    } finally {
      clear(from, to);
    }
  }

  private void clear(int from, int to) {
    Arrays.fill(stack, from, to, null);
    sp = from;
  }

  private void putAll(DictValue d, Object[] a, int from, int to, String opcode) throws FormatException {
    int n = to - from;
    if (n % 2 != 0) {
      throw malformed(opcode + " with an odd number of items (" + n + ")");
    }
    for (int i = from; i < to; i += 2) {
      if (retainedElements < limits.maxRetainedElements() - 1) {
        d.keys.add((PickleValue) a[i]);
        d.values.add((PickleValue) a[i + 1]);
        retainedElements += 2;
      } else {
        d.dropped += (to - i) / 2;
        return;
      }
    }
  }

  private void putAll(DictValue d, List<PickleValue> items, String opcode) throws FormatException {
    if (items.size() % 2 != 0) {
      throw malformed(opcode + " with an odd number of items (" + items.size() + ")");
    }
    for (int i = 0; i < items.size(); i += 2) {
      if (retainedElements < limits.maxRetainedElements() - 1) {
        d.keys.add(items.get(i));
        d.values.add(items.get(i + 1));
        retainedElements += 2;
      } else {
        d.dropped++;
      }
    }
  }

  /** APPEND(S)/ADDITEMS: on a list or set they add; on an object they would call its append/extend/add. */
  private void append(PickleValue target, Object[] a, int from, int to) {
    switch (target) {
      case ListValue l -> addAll(l, a, from, to);
      case SetValue s -> addAll(s, a, from, to);
      case Call c -> addAll(c.appended, a, from, to);
      default -> { } // a loader would fail here; nothing runs that was not already reported
    }
  }

  private void setItems(PickleValue target, List<PickleValue> items, String opcode) throws FormatException {
    switch (target) {
      case DictValue d -> putAll(d, items, opcode);
      case Call c -> putAll(c.setItems, items, opcode);
      default -> {
        if (items.size() % 2 != 0) {
          throw malformed(opcode + " with an odd number of items");
        }
      }
    }
  }

  private void build() throws FormatException {
    PickleValue state = pop();
    PickleValue target = top();
    switch (target) {
      case Call c -> {
        c.state = state;
        if (c.callee instanceof Global g) {
          CallablePolicy.Judgement j = CallablePolicy.judge(g.module(), g.name());
          add(j.severity(), g.qualified(), "BUILD", opOffset,
              "calls " + g.qualified() + ".__setstate__ (or sets its attributes)", j.reason());
        }
      }
      case Global g -> {
        CallablePolicy.Judgement j = CallablePolicy.judge(g.module(), g.name());
        Severity s = j.severity().compareTo(Severity.SUSPICIOUS) < 0 ? Severity.SUSPICIOUS : j.severity();
        add(s, g.qualified(), "BUILD", opOffset, "sets attributes on " + g.qualified() + " itself",
            "changes a class or function every later use of it will see");
      }
      default -> { }
    }
  }

  // ---------------------------------------------------------------- findings

  private void recordImport(Global g, String opcode) {
    CallablePolicy.Judgement j = CallablePolicy.judge(g.module(), g.name());
    add(j.severity(), g.qualified(), opcode, opOffset, "imports " + g.qualified(), j.reason());
  }

  private void recordCall(PickleValue callee, PickleValue args, String opcode) throws IOException {
    switch (callee) {
      case Global g -> {
        CallablePolicy.Judgement j = CallablePolicy.judge(g.module(), g.name());
        add(j.severity(), g.qualified(), opcode, opOffset, "calls " + g.qualified(), j.reason());
        if (isNestedLoader(g)) {
          scanNested(args, g);
        }
      }
      case Call c -> add(Severity.SUSPICIOUS, describe(callee, 0), opcode, opOffset,
          "calls the object returned by " + describe(c.callee, 0),
          "a call chain; each link is judged on its own import");
      default -> add(Severity.SUSPICIOUS, describe(callee, 0), opcode, opOffset,
          "calls " + describe(callee, 0), "the callee is not a plain import, so it cannot be checked");
    }
  }

  private void recordPersistent(Persistent p, String opcode) {
    if (p.pid instanceof Tuple t && t.items.size() >= 5 && t.items.size() <= 6
        && t.items.get(0) instanceof Str s && s.value().equals("storage")
        && t.items.get(1) instanceof Global g && g.module().equals("torch")
        && CallablePolicy.STORAGE_DTYPES.containsKey(g.name())
        && t.items.get(2) instanceof Str && t.items.get(3) instanceof Str && t.items.get(4) instanceof Int) {
      add(Severity.INFO, null, opcode, opOffset, "refers to tensor storages by persistent id",
          "PyTorch resolves these to data/<key> records, no code runs");
      return;
    }
    add(Severity.SUSPICIOUS, null, opcode, opOffset, "uses a persistent id that is not a PyTorch storage",
        "the loader resolves it with its own code");
  }

  private void extension(long code, String opcode) throws FormatException {
    Global g = new Global("copyreg", "extension_" + code);
    add(Severity.SUSPICIOUS, g.qualified(), opcode, opOffset, "imports copyreg extension code " + code,
        "the registry is empty unless the loader filled it, so what this names cannot be checked");
    push(g);
  }

  private static final Set<String> NESTED_MODULES = Set.of(
      "pickle", "_pickle", "cPickle", "dill", "cloudpickle", "joblib", "torch", "torch.serialization", "numpy", "pandas");

  private static boolean isNestedLoader(Global g) {
    return NESTED_MODULES.contains(g.module())
        && (g.name().equals("loads") || g.name().equals("load") || g.name().equals("_load")
            || g.name().equals("read_pickle"));
  }

  /** The call itself is already reported; if its argument is a pickle we hold, scan that too. */
  private void scanNested(PickleValue args, Global loader) throws IOException {
    byte[] blob = findBlob(args, 0);
    if (blob == null || blob.length == 0) {
      return;
    }
    String nestedMember = where + "@" + opOffset + "(" + loader.qualified() + ")";
    if (nesting >= limits.maxNesting()) {
      add(Severity.ERROR, null, "NESTED", opOffset, "holds a pickle nested deeper than " + limits.maxNesting(),
          "it was not scanned");
      return;
    }
    PickleMachine inner = new PickleMachine(new ByteArrayInputStream(blob), in.resource(), nestedMember, limits, nesting + 1);
    try {
      while (inner.next() != null) {
        // walk every pickle
      }
    } catch (FormatException e) {
      inner.add(Severity.ERROR, null, "NESTED", e.offset(), "has a nested pickle that cannot be read to the end",
          e.getMessage());
    }
    for (Finding f : inner.findings) {
      addFinding(f, f.severity() == Severity.INFO ? "I|" + f.callable() + "|" + f.member() : null);
    }
  }

  private byte[] findBlob(PickleValue v, int depth) {
    if (depth > 4) {
      return null;
    }
    switch (v) {
      case Bytes b -> {
        return b.content();
      }
      case Str s -> {
        return s.value().getBytes(StandardCharsets.UTF_8);
      }
      case Tuple t -> {
        for (PickleValue item : t.items.subList(0, Math.min(4, t.items.size()))) {
          byte[] found = findBlob(item, depth + 1);
          if (found != null) {
            return found;
          }
        }
        return null;
      }
      case Call c -> {
        // _codecs.encode(str, 'latin1') is how protocol 2 spells bytes; io.BytesIO(b) wraps them
        if (c.callee instanceof Global g && g.qualified().equals("_codecs.encode")
            && c.args instanceof Tuple t && !t.items.isEmpty() && t.items.getFirst() instanceof Str s) {
          return s.value().getBytes(ISO_8859_1);
        }
        return findBlob(c.args, depth + 1);
      }
      default -> {
        return null;
      }
    }
  }

  private static String describe(PickleValue v, int depth) {
    return switch (v) {
      case Global g -> g.qualified();
      case Call c -> depth > 3 ? "(a call)" : "(result of " + describe(c.callee, depth + 1) + ")";
      case Persistent p -> "(a persistent object)";
      case Str s -> "(a str)";
      case Opaque o -> "(" + o.what() + ")";
      default -> "(" + v.getClass().getSimpleName() + ")";
    };
  }

  private void add(Severity severity, String callable, String opcode, long offset, String what, String why) {
    String key = severity == Severity.INFO ? "I|" + callable + "|" + (callable == null ? what : "")
        : severity + "|" + callable + "|" + opcode + "|" + (callable == null ? what : "");
    addFinding(new Finding(severity, callable, opcode, offset, member,
        what + " at offset " + offset + " in " + where + ": " + why), key);
  }

  void addFinding(Finding f, String dedupeKey) {
    if (dedupeKey != null && !reported.add(dedupeKey)) {
      return;
    }
    boolean worse = worst == null || f.severity().compareTo(worst) > 0;
    if (findings.size() >= limits.maxFindings() && !worse) {
      if (!capNoted) {
        capNoted = true;
        findings.add(new Finding(Severity.INFO, null, "LIMIT", f.offset(), member,
            "more than " + limits.maxFindings() + " findings in " + where + "; the rest are not listed"));
      }
      return;
    }
    if (worse) {
      worst = f.severity();
    }
    findings.add(f);
  }

  // ---------------------------------------------------------------- arguments

  private FormatException malformed(String message) {
    return new FormatException(where, opOffset, message);
  }

  private String text(String what) throws IOException, FormatException {
    return new String(in.line(limits.maxLine(), what), ISO_8859_1);
  }

  private PickleValue parseInt(String s, boolean boolAllowed) throws FormatException {
    if (boolAllowed && s.equals("00")) {
      return Bool.FALSE;
    }
    if (boolAllowed && s.equals("01")) {
      return Bool.TRUE;
    }
    String t = s.strip().replace("_", "");
    if (t.isEmpty() || t.length() > 4300) {
      throw malformed("invalid integer literal");
    }
    try {
      BigInteger v = new BigInteger(t.startsWith("+") ? t.substring(1) : t);
      return v.bitLength() < 64 ? Int.of(v.longValue()) : new PickleValue.BigInt(v);
    } catch (NumberFormatException e) {
      throw malformed("invalid integer literal '" + abbreviate(s) + "'");
    }
  }

  private long parseIndex(String s) throws FormatException {
    if (parseInt(s, false) instanceof Int i) {
      return i.value();
    }
    throw malformed("memo index out of range");
  }

  private PickleValue parseFloat(String s) throws FormatException {
    String t = s.strip().toLowerCase(java.util.Locale.ROOT);
    try {
      double unused = switch (t) {
        case "inf", "+inf", "infinity" -> Double.POSITIVE_INFINITY;
        case "-inf", "-infinity" -> Double.NEGATIVE_INFINITY;
        case "nan", "+nan", "-nan" -> Double.NaN;
        default -> {
          if (t.isEmpty() || !t.chars().allMatch(ch -> "0123456789+-.e_".indexOf(ch) >= 0)) {
            throw new NumberFormatException();
          }
          yield Double.parseDouble(t.replace("_", ""));
        }
      };
      return FloatValue.FLOAT; // validated; the value itself is never needed
    } catch (NumberFormatException e) {
      throw malformed("invalid float literal '" + abbreviate(s) + "'");
    }
  }

  private PickleValue longN(long n, String what) throws IOException, FormatException {
    if (n < 0) {
      throw malformed(what + " with negative length " + n);
    }
    if (n == 0) {
      return Int.of(0);
    }
    if (n > limits.maxRetainedString()) {
      in.skip(n, what);
      return new Opaque("very long integer");
    }
    byte[] le = in.bytes(n, what);
    byte[] be = new byte[le.length];
    for (int i = 0; i < le.length; i++) {
      be[i] = le[le.length - 1 - i];
    }
    BigInteger v = new BigInteger(be);
    return v.bitLength() < 64 ? Int.of(v.longValue()) : new PickleValue.BigInt(v);
  }

  private PickleValue str(long n, java.nio.charset.Charset charset, String what) throws IOException, FormatException {
    if (n < 0) {
      throw malformed(what + " with negative length " + n);
    }
    if (n > limits.maxRetainedString() || retainedBytes + n > limits.maxRetainedTotalBytes()) {
      in.skip(n, what);
      return new Opaque("str of " + n + " bytes");
    }
    retainedBytes += n;
    Str ascii = in.asciiStr((int) n); // ASCII decodes the same as Latin-1 and UTF-8
    if (ascii != null) {
      return ascii;
    }
    byte[] b = in.bytes(n, what);
    return new Str(charset != null ? new String(b, charset) : utf8(b));
  }

  private Bytes bytes(long n, String what) throws IOException, FormatException {
    if (n < 0) {
      throw malformed(what + " with negative length " + n);
    }
    if (n > limits.maxRetainedBytes() || retainedBytes + n > limits.maxRetainedTotalBytes()) {
      in.skip(n, what);
      return new Bytes(n, null);
    }
    retainedBytes += n;
    return new Bytes(n, in.bytes(n, what));
  }

  private String utf8(byte[] b) throws FormatException {
    boolean ascii = true;
    for (byte x : b) {
      ascii &= x >= 0;
    }
    if (ascii) {
      return new String(b, ISO_8859_1);
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      throw malformed("text is not valid UTF-8");
    }
  }

  /** A protocol-0 STRING argument: a quoted Python literal with backslash escapes. */
  private byte[] pyStringLiteral(byte[] line) throws FormatException {
    int n = line.length;
    if (n > 0 && line[n - 1] == '\r') {
      n--;
    }
    if (n < 2 || line[0] != line[n - 1] || (line[0] != '\'' && line[0] != '"')) {
      throw malformed("the STRING opcode argument must be quoted");
    }
    byte[] out = new byte[n - 2];
    int o = 0;
    for (int i = 1; i < n - 1; i++) {
      byte c = line[i];
      if (c != '\\') {
        out[o++] = c;
        continue;
      }
      if (++i >= n - 1) {
        throw malformed("STRING ends with a lone backslash");
      }
      c = line[i];
      switch (c) {
        case 'n' -> out[o++] = '\n';
        case 't' -> out[o++] = '\t';
        case 'r' -> out[o++] = '\r';
        case 'a' -> out[o++] = 7;
        case 'b' -> out[o++] = '\b';
        case 'f' -> out[o++] = '\f';
        case 'v' -> out[o++] = 11;
        case '\n' -> { }
        case 'x' -> {
          if (i + 2 >= n - 1 + 1 || i + 2 > n - 2) {
            throw malformed("truncated \\x escape in STRING");
          }
          out[o++] = (byte) Integer.parseInt(hex(line, i + 1, 2), 16);
          i += 2;
        }
        default -> {
          if (c >= '0' && c <= '7') {
            int v = c - '0';
            for (int k = 0; k < 2 && i + 1 < n - 1 && line[i + 1] >= '0' && line[i + 1] <= '7'; k++) {
              v = v * 8 + (line[++i] - '0');
            }
            out[o++] = (byte) v;
          } else {
            out[o++] = '\\';
            out[o++] = c;
          }
        }
      }
    }
    return Arrays.copyOf(out, o);
  }

  private String hex(byte[] b, int from, int len) throws FormatException {
    String h = new String(b, from, len, US_ASCII);
    for (int k = 0; k < h.length(); k++) {
      if (Character.digit(h.charAt(k), 16) < 0) {
        throw malformed("invalid hex escape");
      }
    }
    return h;
  }

  /** raw-unicode-escape: bytes are Latin-1 except {@code \\uXXXX} and {@code \\UXXXXXXXX}. */
  private String rawUnicodeEscape(byte[] b) throws FormatException {
    StringBuilder sb = new StringBuilder(b.length);
    for (int i = 0; i < b.length; i++) {
      int c = b[i] & 0xFF;
      if (c == '\\' && i + 1 < b.length && (b[i + 1] == 'u' || b[i + 1] == 'U')) {
        int digits = b[i + 1] == 'u' ? 4 : 8;
        if (i + 2 + digits > b.length) {
          throw malformed("truncated \\u escape in UNICODE");
        }
        long cp = Long.parseLong(hex(b, i + 2, digits), 16);
        if (cp > Character.MAX_CODE_POINT) {
          throw malformed("\\U escape out of range in UNICODE");
        }
        sb.appendCodePoint((int) cp);
        i += 1 + digits;
      } else {
        sb.append((char) c);
      }
    }
    return sb.toString();
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }
}
