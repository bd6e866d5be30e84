package org.arbor.formats.pickle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.arbor.formats.FormatException;
import org.arbor.formats.gguf.GgufFile;
import org.arbor.formats.gguf.GgufReader;
import org.arbor.formats.io.ByteSource;
import org.arbor.formats.onnx.OnnxModel;
import org.arbor.formats.onnx.OnnxReader;

/**
 * Hazards of formats that run no pickle but can still hurt on load (trust.md §1): ONNX external
 * data that points outside the repository, GGUF chat templates that try to reach Python objects
 * from Jinja, and Keras models whose config holds Lambda layers (Python bytecode) or functions from
 * arbitrary modules.
 */
final class FormatHazards {
  /** Jinja constructs that reach Python internals: the known sandbox escapes of chat templates. */
  private static final Pattern TEMPLATE_ESCAPE = Pattern.compile(
      "__[a-z_]+__|\\.mro\\b|\\bsubclasses\\b|\\bglobals\\b|\\bbuiltins\\b|\\bimport\\b|\\bos\\.|\\bsubprocess\\b"
          + "|\\bpopen\\b|\\beval\\s*\\(|\\bexec\\s*\\(|\\bcycler\\b|\\bjoiner\\b|\\blipsum\\b|\\brequest\\.|\\bconfig\\."
          + "|\\bself\\._|\\bgetattr\\b|\\|\\s*attr\\s*\\(",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern KERAS_LAMBDA = Pattern.compile("\"class_name\"\\s*:\\s*\"(?:Lambda|TFOpLambda)\"");
  private static final Pattern KERAS_MODULE = Pattern.compile("\"module\"\\s*:\\s*\"([^\"]{1,200})\"");
  /** How much of an HDF5 file is searched for its model_config attribute (it sits near the start). */
  static final int H5_SEARCH_BYTES = 16 << 20;

  private FormatHazards() {}

  static List<Finding> gguf(ByteSource source, String where, String member) throws IOException {
    List<Finding> out = new ArrayList<>();
    GgufFile file;
    try {
      file = GgufReader.read(source, where);
    } catch (FormatException e) {
      out.add(new Finding(Severity.ERROR, null, "GGUF", e.offset(), member, "cannot read the GGUF header: " + e.getMessage()));
      return out;
    }
    out.add(new Finding(Severity.INFO, null, "GGUF", -1, member, where + " is GGUF: tensors and metadata, no code runs on load"));
    for (var entry : file.metadata().entrySet()) {
      if (entry.getKey().startsWith("tokenizer.chat_template") && entry.getValue() instanceof String template) {
        Matcher m = TEMPLATE_ESCAPE.matcher(template);
        if (m.find()) {
          out.add(new Finding(Severity.SUSPICIOUS, null, "CHAT_TEMPLATE", -1, member, "the chat template "
              + entry.getKey() + " of " + where + " contains '" + m.group() + "', a construct used to escape the "
              + "Jinja sandbox and run code where templates are rendered"));
        }
      }
    }
    return out;
  }

  static List<Finding> onnx(ByteSource source, String where, String member) throws IOException {
    List<Finding> out = new ArrayList<>();
    OnnxModel model;
    try {
      model = OnnxReader.read(source, where);
    } catch (FormatException e) {
      out.add(new Finding(Severity.ERROR, null, "ONNX", e.offset(), member, "cannot read the ONNX model: " + e.getMessage()));
      return out;
    }
    out.add(new Finding(Severity.INFO, null, "ONNX", -1, member, where + " is ONNX: operators and tensors, no Python runs"));
    for (String location : model.externalDataLocations()) {
      if (OnnxModel.escapesRepo(location)) {
        out.add(new Finding(Severity.DANGEROUS, null, "ONNX_EXTERNAL_DATA", -1, member, where
            + " loads external data from '" + location + "', outside the repository: a loader would read any file "
            + "on the machine"));
      }
    }
    return out;
  }

  /** A Keras 3 {@code config.json} (inside a .keras zip) or the model_config of an HDF5 file. */
  static List<Finding> kerasConfig(String config, String where, String member) {
    List<Finding> out = new ArrayList<>();
    if (KERAS_LAMBDA.matcher(config).find()) {
      out.add(new Finding(Severity.DANGEROUS, null, "KERAS_LAMBDA", -1, member, where
          + " holds a Keras Lambda layer: its function is Python bytecode that runs when the model is loaded"));
    }
    Matcher modules = KERAS_MODULE.matcher(config);
    while (modules.find()) {
      String module = modules.group(1);
      String lower = module.toLowerCase(Locale.ROOT);
      if (!(lower.startsWith("keras") || lower.startsWith("tensorflow") || lower.startsWith("tf_keras"))) {
        out.add(new Finding(Severity.SUSPICIOUS, module, "KERAS_MODULE", -1, member, where
            + " names objects from the module '" + module + "', which Keras imports when it loads the model"));
        break;
      }
    }
    if (out.isEmpty()) {
      out.add(new Finding(Severity.INFO, null, "KERAS", -1, member, where + " is a Keras model with only built-in layers"));
    }
    return out;
  }

  /** HDF5 Keras files keep their config as a JSON attribute near the start; search that region. */
  static List<Finding> h5(ByteSource source, String where, String member) throws IOException {
    int length = (int) Math.min(source.size(), H5_SEARCH_BYTES);
    String text = new String(source.read(0, length), StandardCharsets.ISO_8859_1);
    if (!text.contains("\"class_name\"")) {
      return List.of(new Finding(Severity.INFO, null, "HDF5", -1, member,
          where + " is HDF5 without a Keras model config: data only"));
    }
    return kerasConfig(text, where, member);
  }
}
