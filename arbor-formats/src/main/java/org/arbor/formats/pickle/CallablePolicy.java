package org.arbor.formats.pickle;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Which imported callables a model file may use. Exact matches on module and name; a deny rule
 * for a whole module ({@code "*"}) also covers its dotted sub-modules. Precedence: unknown or
 * dunder-walking names, then the deny-list, then the allow-list; anything else is suspicious.
 * Sources: picklescan {@code _safe_globals}/{@code _unsafe_globals}, modelscan CRITICAL/HIGH,
 * PyTorch's {@code weights_only} allow-list (trust.md §1.3–1.6).
 */
public final class CallablePolicy {
  private CallablePolicy() { }

  /** How an import is judged, and why, in words for the user. */
  public record Judgement(Severity severity, String reason) { }

  private static final String SHELL = "runs a shell command or reaches the operating system";
  private static final String CODE = "runs arbitrary Python code";
  private static final String NESTED = "loads a nested pickle or checkpoint that runs code of its own";
  private static final String NET = "opens network connections";
  private static final String FILES = "reads, writes or deletes files";
  private static final String REFLECT = "reaches any attribute or module by name, a building block of exploit chains";

  /** module → (name → reason); name "*" = every name in the module and its sub-modules. */
  private static final Map<String, Map<String, String>> DENY = new HashMap<>();

  /** Python 2 module names the unpickler maps to Python 3 ones ({@code _compat_pickle}). */
  private static final Map<String, String> PY2_MODULES = Map.of(
      "__builtin__", "builtins", "exceptions", "builtins", "copy_reg", "copyreg", "cPickle", "pickle",
      "commands", "subprocess", "urllib2", "urllib.request", "httplib", "http.client", "posixpath", "posixpath");

  static {
    deny("builtins", CODE, "eval", "exec", "compile", "execfile", "breakpoint", "input");
    deny("builtins", REFLECT, "getattr", "setattr", "delattr", "__import__", "globals", "locals", "vars",
        "apply", "memoryview", "reload");
    deny("builtins", FILES, "open", "file");
    for (String m : new String[] {"os", "nt", "posix", "subprocess", "_posixsubprocess", "pty", "commands",
        "multiprocessing", "ctypes", "_ctypes", "signal", "platform", "pip", "ensurepip", "venv", "_osx_support",
        "_aix_support", "uuid"}) {
      denyModule(m, SHELL);
    }
    denyModule("os", SHELL);
    denyName("os", "system", "runs a shell command");
    denyName("posix", "system", "runs a shell command");
    denyName("nt", "system", "runs a shell command");
    for (String m : new String[] {"runpy", "code", "codeop", "marshal", "importlib", "pydoc", "timeit", "trace",
        "cProfile", "profile", "pdb", "bdb", "_pyrepl", "idlelib", "lib2to3", "doctest", "pkgutil", "test",
        "sys", "zipimport", "numpy.f2py", "numpy.testing._private.utils", "torch.hub", "torch.utils.collect_env",
        "torch.utils.bottleneck", "torch.jit.unsupported_tensor_ops", "torch._inductor.codecache",
        "logging.config"}) {
      denyModule(m, CODE);
    }
    for (String m : new String[] {"pickle", "_pickle", "dill", "cloudpickle", "joblib", "shelve"}) {
      denyModule(m, NESTED);
    }
    deny("torch", NESTED, "load");
    deny("torch.serialization", NESTED, "load", "_load", "_legacy_load");
    deny("torch.jit", NESTED, "load");
    deny("torch.utils._config_module", NESTED, "ConfigModule.load_config");
    deny("torch.utils.data.datapipes.utils.decoder", NESTED, "basichandlers");
    deny("numpy", NESTED, "load", "loads");
    deny("pandas", NESTED, "read_pickle");
    deny("torch._dynamo.guards", CODE, "GuardBuilder.get");
    deny("torch.fx.experimental.symbolic_shapes", CODE, "ShapeEnv.evaluate_guards_expression");
    for (String m : new String[] {"socket", "_socket", "ssl", "requests", "urllib.request", "urllib3", "http.client",
        "httplib", "aiohttp", "asyncio", "webbrowser", "ftplib", "smtplib", "telnetlib", "imaplib", "poplib",
        "nntplib", "xmlrpc", "socketserver"}) {
      denyModule(m, NET);
    }
    denyModule("shutil", FILES);
    deny("_io", FILES, "FileIO", "open");
    deny("io", FILES, "FileIO", "open");
    deny("logging", FILES, "FileHandler");
    deny("tempfile", FILES, "mkstemp", "mkdtemp", "NamedTemporaryFile", "TemporaryFile");
    deny("types", CODE, "CodeType", "FunctionType", "MethodType", "LambdaType");
    deny("functools", "wraps another callable so that it is called later with chosen arguments", "partial",
        "partialmethod", "reduce");
    deny("operator", REFLECT, "attrgetter", "itemgetter", "methodcaller", "call");
    deny("_operator", REFLECT, "attrgetter", "itemgetter", "methodcaller", "call");
    deny("copyreg", REFLECT, "_reconstructor");
  }

  private static final Set<String> ALLOW = Set.of(
      "collections.OrderedDict", "collections.Counter",
      "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor_v3",
      "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state", "torch._utils._rebuild_qtensor",
      "torch._utils._rebuild_sparse_tensor", "torch._utils._rebuild_meta_tensor_no_storage",
      "torch._utils._rebuild_wrapper_subclass", "torch._utils._rebuild_device_tensor_from_numpy",
      "torch._utils._rebuild_device_tensor_from_cpu_tensor", "torch._tensor._rebuild_from_type_v2",
      "torch.nn.parameter.Parameter", "torch.serialization._get_layout", "torch.Size", "torch.Tensor", "torch.device",
      "torch.per_tensor_affine", "torch.per_tensor_symmetric", "torch.per_channel_affine",
      "torch.per_channel_symmetric", "torch.per_channel_affine_float_qparams",
      "torch.UntypedStorage", "torch.storage.UntypedStorage", "torch.storage.TypedStorage",
      "_codecs.encode", "builtins.bytearray", "builtins.set", "builtins.frozenset", "builtins.complex",
      "builtins.slice", "builtins.range",
      "numpy.dtype", "numpy.ndarray", "numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct",
      "numpy.core.multiarray.scalar", "numpy._core.multiarray.scalar");

  /** Legacy typed storage classes, {@code torch.<X>Storage}, to the dtype of their elements. */
  public static final Map<String, String> STORAGE_DTYPES = Map.ofEntries(
      Map.entry("DoubleStorage", "F64"), Map.entry("FloatStorage", "F32"), Map.entry("HalfStorage", "F16"),
      Map.entry("BFloat16Storage", "BF16"), Map.entry("LongStorage", "I64"), Map.entry("IntStorage", "I32"),
      Map.entry("ShortStorage", "I16"), Map.entry("CharStorage", "I8"), Map.entry("ByteStorage", "U8"),
      Map.entry("BoolStorage", "BOOL"), Map.entry("ComplexFloatStorage", "C64"),
      Map.entry("ComplexDoubleStorage", "C128"), Map.entry("QInt8Storage", "QI8"),
      Map.entry("QUInt8Storage", "QU8"), Map.entry("QInt32Storage", "QI32"),
      Map.entry("QUInt4x2Storage", "QU4x2"), Map.entry("QUInt2x4Storage", "QU2x4"),
      Map.entry("UntypedStorage", "U8"));

  private static final Set<String> TORCH_DTYPES = Set.of(
      "float32", "float", "float64", "double", "float16", "half", "bfloat16", "complex32", "complex64",
      "complex128", "cfloat", "cdouble", "uint8", "int8", "int16", "short", "int32", "int", "int64", "long",
      "bool", "qint8", "quint8", "qint32", "quint4x2", "quint2x4", "float8_e4m3fn", "float8_e5m2",
      "float8_e4m3fnuz", "float8_e5m2fnuz", "uint16", "uint32", "uint64", "uint1", "uint2", "uint3", "uint4",
      "uint5", "uint6", "uint7", "int1", "int2", "int3", "int4", "int5", "int6", "int7");

  /** The module name the unpickler would import for {@code module} (Python 2 names mapped). */
  /** The legacy tensor classes ({@code torch.FloatTensor} …) a legacy checkpoint names as tensor types. */
  static boolean legacyTensorType(String name) {
    return name.endsWith("Tensor") && STORAGE_DTYPES.containsKey(name.substring(0, name.length() - 6) + "Storage");
  }

  public static String normalizeModule(String module) {
    return PY2_MODULES.getOrDefault(module, module);
  }

  /** Judges {@code module.name} as imported by GLOBAL, STACK_GLOBAL or INST. */
  public static Judgement judge(String module, String name) {
    if (module == null || name == null || module.equals("unknown") || name.equals("unknown")) {
      return new Judgement(Severity.DANGEROUS, "the name is computed while loading, so it cannot be checked");
    }
    String m = normalizeModule(module);
    for (String part : name.split("\\.", -1)) {
      if (part.length() > 4 && part.startsWith("__") && part.endsWith("__") && !name.equals("__import__")) {
        return new Judgement(Severity.DANGEROUS, "walks Python internals (" + part + ") to reach other objects");
      }
    }
    String reason = denied(m, name);
    if (reason == null && name.contains(".")) {
      reason = denied(m, name.substring(0, name.indexOf('.')));
    }
    if (reason != null) {
      return new Judgement(Severity.DANGEROUS, reason);
    }
    String qualified = m + "." + name;
    if (ALLOW.contains(qualified)
        || (m.equals("torch") && (STORAGE_DTYPES.containsKey(name) || TORCH_DTYPES.contains(name)
            || legacyTensorType(name)))) {
      return new Judgement(Severity.INFO, "allowed: used by ordinary checkpoints");
    }
    return new Judgement(Severity.SUSPICIOUS, "not on the list of callables checkpoints use, so Arbor cannot vouch for it");
  }

  private static String denied(String module, String name) {
    String m = module;
    while (true) {
      Map<String, String> names = DENY.get(m);
      if (names != null) {
        String r = names.get(name);
        if (r != null && m.equals(module)) {
          return r;
        }
        if (names.containsKey("*")) {
          return names.get("*");
        }
      }
      int dot = m.lastIndexOf('.');
      if (dot < 0) {
        return null;
      }
      m = m.substring(0, dot);
    }
  }

  private static void deny(String module, String reason, String... names) {
    Map<String, String> map = DENY.computeIfAbsent(module, k -> new HashMap<>());
    for (String n : names) {
      map.put(n, reason);
    }
  }

  private static void denyModule(String module, String reason) {
    DENY.computeIfAbsent(module, k -> new HashMap<>()).putIfAbsent("*", reason);
  }

  private static void denyName(String module, String name, String reason) {
    DENY.computeIfAbsent(module, k -> new HashMap<>()).put(name, reason);
  }
}
