package org.arbor.formats.pickle;

import static org.arbor.formats.pickle.Vectors.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.arbor.formats.io.ByteArraySource;
import org.junit.jupiter.api.Test;

class ModelFileScannerTest {

  @Test
  void benign_pytorch_zip_is_safe() throws IOException {
    ScanReport r = scan(tinyTorchZip(), "pytorch_model.bin");

    assertThat(r.verdict()).as(r.toString()).isEqualTo(Verdict.SAFE);
    assertThat(r.findings()).extracting(Finding::callable)
        .contains("collections.OrderedDict", "torch.FloatStorage", "torch._utils._rebuild_tensor_v2");
  }

  @Test
  void malicious_data_pkl_in_a_zip_names_the_member() throws IOException {
    ScanReport r = scan(new Zip().add("archive/data.pkl", TV1).bytes(), "model.pt");

    assertThat(r.verdict()).isEqualTo(Verdict.UNSAFE);
    assertThat(r.findings()).extracting(Finding::message)
        .contains("calls os.system at offset 21 in archive/data.pkl: runs a shell command");
  }

  @Test
  void tv16_npy_object_array_with_malicious_body() throws IOException {
    ScanReport r = scan(tv16(), "x.npy");

    assertThat(r.verdict()).isEqualTo(Verdict.UNSAFE);
    assertThat(r.findings()).extracting(Finding::callable).contains("posix.system");
  }

  @Test
  void tv17_pickle_with_a_zip_appended_scans_both() throws IOException {
    byte[] polyglot = concat(TV2, tinyTorchZip());

    for (String name : new String[] {"x.pkl", "x", "x.bin"}) {
      ScanReport r = scan(polyglot, name);
      assertThat(r.verdict()).as(name).isEqualTo(Verdict.UNSAFE);
      assertThat(r.findings()).extracting(Finding::callable).contains("posix.system", "torch._utils._rebuild_tensor_v2");
    }
  }

  @Test
  void tv18_encrypted_flag_is_read_anyway() throws IOException {
    Zip z = new Zip();
    z.flags = 1;
    ScanReport r = scan(z.add("archive/data.pkl", TV1).bytes(), "model.bin");

    assertThat(r.verdict()).isEqualTo(Verdict.UNSAFE);
    assertThat(r.findings()).extracting(Finding::callable).contains("os.system");
  }

  @Test
  void tv19_local_and_central_names_differ() throws IOException {
    Zip z = new Zip();
    z.localNameOverride = "archive/datap.kl";
    ScanReport r = scan(z.add("archive/data.pkl", TV1).bytes(), "model.bin");

    assertThat(r.verdict()).isEqualTo(Verdict.UNSAFE);
    assertThat(r.findings()).anySatisfy(f -> assertThat(f.message()).contains("zip header mismatch"));
  }

  @Test
  void tv20_legacy_torch_magic_bypass() throws IOException {
    byte[] magic = concat(hex("80 02"), ascii("cbuiltins\neval\n"), hex("58 16 00 00 00"), ascii("0x1950A86A20F9469CFC6C"),
        hex("85 52 2e"));
    byte[] file = concat(magic, hex("80 02 4d e9 03 2e"), hex("80 02 7d 2e"), hex("80 02 5d 2e"), TV1);

    ScanReport r = scan(file, "model.pt");
    assertThat(r.verdict()).isEqualTo(Verdict.UNSAFE);
    assertThat(r.findings()).extracting(Finding::callable).contains("builtins.eval", "os.system");
  }

  @Test
  void legacy_torch_scans_five_pickles_then_stops_at_raw_storages() throws IOException {
    byte[] file = concat(hex("80 02 8a 0a 6c fc 9c 46 f9 20 6a a8 50 19 2e"), hex("80 02 4d e9 03 2e"), hex("80 02 7d 2e"),
        TV7, hex("80 02 5d 2e"), hex("06 00 00 00 00 00 00 00 ff ee dd"));

    ScanReport r = scan(file, "old.pt");
    assertThat(r.verdict()).as(r.toString()).isEqualTo(Verdict.SAFE);
    assertThat(r.findings()).extracting(Finding::opcode).contains("LEGACY_TORCH");
  }

  @Test
  void mislabelled_extensions_do_not_matter() throws IOException {
    assertThat(scan(tinyTorchZip(), "model.safetensors").verdict()).isEqualTo(Verdict.SAFE);
    assertThat(scan(new Zip().add("archive/data.pkl", TV1).bytes(), "model.safetensors").verdict())
        .isEqualTo(Verdict.UNSAFE);
    assertThat(scan(TV1, "README.txt").verdict()).isEqualTo(Verdict.UNSAFE);
    assertThat(scan(new Zip().add("data.txt", TV1).bytes(), "x.zip").verdict()).isEqualTo(Verdict.UNSAFE);
  }

  @Test
  void nested_zip_member_is_scanned() throws IOException {
    byte[] inner = new Zip().add("archive/data.pkl", TV1).bytes();

    assertThat(scan(new Zip().add("model.pt", inner).bytes(), "bundle.zip").findings())
        .anySatisfy(f -> assertThat(f.member()).isEqualTo("model.pt!/archive/data.pkl"));
  }

  @Test
  void archives_nested_too_deep_are_errors() throws IOException {
    byte[] z = new Zip().add("archive/data.pkl", TV7).bytes();
    for (int i = 0; i < 3; i++) {
      z = new Zip().add("level" + i + ".zip", z).bytes();
    }
    assertThat(scan(z, "deep.zip").verdict()).isEqualTo(Verdict.ERROR);
  }

  @Test
  void duplicate_data_pkl_is_dangerous() throws IOException {
    byte[] z = new Zip().add("archive/data.pkl", TV7).add("archive/data.pkl", TV7).bytes();

    assertThat(scan(z, "model.bin").verdict()).isEqualTo(Verdict.UNSAFE);
  }

  @Test
  void npz_with_numeric_array_and_weight_formats_are_safe() throws IOException {
    String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }          \n";
    byte[] npy = concat(hex("93 4e 55 4d 50 59 01 00"), new byte[] {(byte) header.length(), 0}, ascii(header), new byte[8]);
    assertThat(scan(new Zip().add("a.npy", npy).bytes(), "x.npz").verdict()).isEqualTo(Verdict.SAFE);
    assertThat(scan(org.arbor.formats.gguf.GgufTestFiles.tinyLlama(), "m.gguf").verdict()).isEqualTo(Verdict.SAFE);
    // a GGUF header that cannot be read is an error (fail closed), not a pass
    assertThat(scan(concat(ascii("GGUF"), new byte[20]), "m.gguf").verdict()).isEqualTo(Verdict.ERROR);
    byte[] st = concat(hex("0a 00 00 00 00 00 00 00"), ascii("{}        "));
    assertThat(scan(st, "m.safetensors").verdict()).isEqualTo(Verdict.SAFE);
    assertThat(scan(org.arbor.formats.onnx.OnnxTestFiles.withExternalData("w.bin"), "m.onnx").verdict())
        .isEqualTo(Verdict.SAFE);
  }

  @Test
  void gzip_wrapped_pickle_is_scanned() throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (var gz = new java.util.zip.GZIPOutputStream(out)) {
      gz.write(TV1);
    }
    assertThat(scan(out.toByteArray(), "model.joblib").verdict()).isEqualTo(Verdict.UNSAFE);
  }

  @Test
  void deflated_member_that_lies_about_its_size_is_an_error() throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (var zos = new java.util.zip.ZipOutputStream(out)) {
      zos.putNextEntry(new java.util.zip.ZipEntry("archive/data.pkl"));
      zos.write(TV7);
      zos.write(new byte[100_000]);
      zos.closeEntry();
    }
    byte[] z = out.toByteArray();
    // patch the central directory's uncompressed size down to 10 bytes
    int cd = indexOf(z, new byte[] {'P', 'K', 1, 2});
    z[cd + 24] = 10;
    z[cd + 25] = 0;
    z[cd + 26] = 0;
    z[cd + 27] = 0;

    ScanReport r = scan(z, "model.bin");
    assertThat(r.findings()).anySatisfy(f -> assertThat(f.message()).contains("expands beyond its declared size"));
  }

  @Test
  void text_that_is_not_a_pickle_is_safe() throws IOException {
    assertThat(scan(ascii("# hello\n"), "README.md").verdict()).isEqualTo(Verdict.SAFE);
    assertThat(scan(ascii("(this is not a pickle at all"), "notes").verdict()).isEqualTo(Verdict.SAFE);
  }

  static ScanReport scan(byte[] bytes, String name) throws IOException {
    return ModelFileScanner.scan(new ByteArraySource(bytes), name);
  }

  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
