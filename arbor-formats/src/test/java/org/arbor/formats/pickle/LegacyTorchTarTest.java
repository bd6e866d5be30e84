package org.arbor.formats.pickle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.arbor.formats.io.ByteArraySource;
import org.junit.jupiter.api.Test;

/** Legacy (tar) PyTorch checkpoints: every pickle is found by following the layout, and scanned. */
class LegacyTorchTarTest {
  static final byte[] SYS_INFO = hex("80027d710028581000000070726f746f636f6c5f76657273696f6e71014de903580d0000006c69"
      + "74746c655f656e6469616e710288580a000000747970655f73697a657371037d71045803000000696e7471054b0473752e");
  static final byte[] BENIGN = hex("80027d710058010000007771014b01732e");     // {"w": 1}
  static final byte[] ONE = hex("80024b012e");                                 // 1
  static final byte[] KEY = hex("800258010000003071002e");                     // "0"
  static final byte[] EVIL = hex("8002636f730a73797374656d0a5802000000696485522e"); // os.system("id")

  @Test
  void a_benign_legacy_checkpoint_is_safe() throws Exception {
    ScanReport report = scan(tar(SYS_INFO, BENIGN, storages(storageArgs()), tensors()));
    assertThat(report.verdict()).as(report.findings().toString()).isEqualTo(Verdict.SAFE);
    assertThat(report.findings()).anyMatch(f -> "torch.FloatStorage".equals(f.callable()));
  }

  @Test
  void a_payload_in_the_main_pickle_is_unsafe() throws Exception {
    ScanReport report = scan(tar(SYS_INFO, EVIL, storages(storageArgs()), tensors()));
    assertThat(report.verdict()).isEqualTo(Verdict.UNSAFE);
    assertThat(report.findings()).anyMatch(f -> f.message().contains("system") && "pickle".equals(f.member()));
  }

  @Test
  void a_payload_hidden_between_storages_is_found() throws Exception {
    byte[] storages = concat(hex("80024b022e"), storageArgs(), longLe(2), new byte[8], EVIL);
    ScanReport report = scan(tar(SYS_INFO, BENIGN, storages, tensors()));
    assertThat(report.verdict()).isEqualTo(Verdict.UNSAFE);
    assertThat(report.findings()).anyMatch(f -> "storages".equals(f.member()) && f.message().contains("system"));
  }

  @Test
  void a_storage_length_that_lies_is_an_error() throws Exception {
    byte[] storages = concat(ONE, storageArgs(), longLe(1L << 40), new byte[8]);
    assertThat(scan(tar(SYS_INFO, BENIGN, storages, tensors())).verdict()).isEqualTo(Verdict.ERROR);
  }

  // ---- a tiny tar writer ------------------------------------------------------------------------

  static byte[] storages(byte[] args) {
    return concat(ONE, args, longLe(2), new byte[8]); // one storage of 2 floats
  }

  static byte[] storageArgs() {
    // ("0", "cpu", torch.FloatStorage): X '0', X 'cpu', GLOBAL torch FloatStorage, TUPLE3, STOP
    return concat(hex("8002580100000030580300000063707563"), "torch\nFloatStorage\n".getBytes(StandardCharsets.US_ASCII),
        hex("872e"));
  }

  static byte[] tensors() {
    byte[] type = concat(hex("800258010000003063"), "torch\nFloatTensor\n".getBytes(StandardCharsets.US_ASCII), hex("862e"));
    byte[] shape = ByteBuffer.allocate(8 + 8 + 8 + 8).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(1).putInt(0).putLong(2).putLong(1).array();
    return concat(ONE, KEY, type, shape, longLe(0));
  }

  static byte[] tar(byte[] sysInfo, byte[] pickle, byte[] storages, byte[] tensors) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    entry(out, "sys_info", sysInfo);
    entry(out, "pickle", pickle);
    entry(out, "storages", storages);
    entry(out, "tensors", tensors);
    out.writeBytes(new byte[1024]);
    return out.toByteArray();
  }

  static void entry(ByteArrayOutputStream out, String name, byte[] data) {
    byte[] header = new byte[512];
    System.arraycopy(name.getBytes(StandardCharsets.US_ASCII), 0, header, 0, name.length());
    put(header, 100, "0000644");
    put(header, 124, String.format("%011o", data.length));
    put(header, 136, "00000000000");
    header[156] = '0';
    put(header, 257, "ustar");
    put(header, 263, "00");
    out.writeBytes(header);
    out.writeBytes(data);
    out.writeBytes(new byte[(512 - data.length % 512) % 512]);
  }

  static void put(byte[] header, int at, String text) {
    byte[] b = text.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, header, at, b.length);
  }

  static byte[] longLe(long v) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }

  static ScanReport scan(byte[] bytes) throws Exception {
    return ModelFileScanner.scan(new ByteArraySource(bytes), "model.pt");
  }
}
