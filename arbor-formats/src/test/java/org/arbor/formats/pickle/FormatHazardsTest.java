package org.arbor.formats.pickle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.arbor.formats.gguf.GgufTestFiles;
import org.arbor.formats.io.ByteArraySource;
import org.arbor.formats.onnx.OnnxTestFiles;
import org.junit.jupiter.api.Test;

/** Formats without pickles that can still hurt on load: judged by ModelFileScanner through FormatHazards. */
class FormatHazardsTest {
  @Test
  void onnx_external_data_outside_the_repo_is_unsafe() throws Exception {
    ScanReport escaping = scan(OnnxTestFiles.withExternalData("../../etc/passwd"), "model.onnx");
    assertThat(escaping.verdict()).isEqualTo(Verdict.UNSAFE);
    assertThat(escaping.findings()).anyMatch(f -> f.message().contains("../../etc/passwd"));
    assertThat(scan(OnnxTestFiles.withExternalData("weights/model.onnx_data"), "model.onnx").verdict())
        .isEqualTo(Verdict.SAFE);
  }

  @Test
  void gguf_chat_templates_reaching_python_internals_are_suspicious() throws Exception {
    ScanReport escape = scan(GgufTestFiles.withChatTemplate(
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}"), "m.gguf");
    assertThat(escape.verdict()).isEqualTo(Verdict.SUSPICIOUS);
    assertThat(escape.findings()).anyMatch(f -> f.opcode().equals("CHAT_TEMPLATE"));
    assertThat(scan(GgufTestFiles.withChatTemplate(
        "{% for m in messages %}<|{{ m.role }}|>{{ m.content }}{% endfor %}"), "m.gguf").verdict())
        .isEqualTo(Verdict.SAFE);
  }

  @Test
  void keras_lambda_layers_are_unsafe_and_builtin_layers_safe() throws Exception {
    String lambda = "{\"class_name\": \"Sequential\", \"config\": {\"layers\": [{\"class_name\": \"Lambda\","
        + " \"config\": {\"function\": \"4wEAAAAAAAAA\"}}]}}";
    ScanReport unsafe = scan(keras(lambda), "model.keras");
    assertThat(unsafe.verdict()).isEqualTo(Verdict.UNSAFE);
    assertThat(unsafe.findings()).anyMatch(f -> f.opcode().equals("KERAS_LAMBDA"));
    String dense = "{\"class_name\": \"Sequential\", \"module\": \"keras\", \"config\": {\"layers\": "
        + "[{\"class_name\": \"Dense\", \"module\": \"keras.layers\"}]}}";
    assertThat(scan(keras(dense), "model.keras").verdict()).isEqualTo(Verdict.SAFE);
    String foreign = "{\"class_name\": \"Custom\", \"module\": \"evil_package.layers\"}";
    assertThat(scan(keras(foreign), "model.keras").verdict()).isEqualTo(Verdict.SUSPICIOUS);
  }

  @Test
  void hdf5_model_configs_are_searched_for_lambda_layers() throws Exception {
    byte[] magic = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    byte[] config = "\u0000\u0000model_config{\"class_name\": \"Lambda\", \"config\": {}}"
        .getBytes(StandardCharsets.ISO_8859_1);
    byte[] file = new byte[magic.length + config.length + 64];
    System.arraycopy(magic, 0, file, 0, magic.length);
    System.arraycopy(config, 0, file, magic.length, config.length);
    assertThat(scan(file, "model.h5").verdict()).isEqualTo(Verdict.UNSAFE);
  }

  private static ScanReport scan(byte[] bytes, String name) throws Exception {
    return ModelFileScanner.scan(new ByteArraySource(bytes), name);
  }

  private static byte[] keras(String config) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry("metadata.json"));
      zip.write("{\"keras_version\": \"3.3.3\"}".getBytes(StandardCharsets.UTF_8));
      zip.putNextEntry(new ZipEntry("config.json"));
      zip.write(config.getBytes(StandardCharsets.UTF_8));
      zip.putNextEntry(new ZipEntry("model.weights.h5"));
      zip.write(new byte[16]);
    }
    return out.toByteArray();
  }
}
