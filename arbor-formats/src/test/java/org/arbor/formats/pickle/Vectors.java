package org.arbor.formats.pickle;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.zip.CRC32;

/** Test inputs built as bytes: trust.md §1.14 vectors, PyTorch fixtures and a stored-zip writer. */
final class Vectors {
  private Vectors() { }

  static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex.replace(" ", ""));
  }

  /** Latin-1 bytes of a protocol-0 text pickle. */
  static byte[] ascii(String s) {
    return s.getBytes(ISO_8859_1);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static final byte[] TV1 = hex("80 02 63 6f 73 0a 73 79 73 74 65 6d 0a 58 02 00 00 00 69 64 85 52 2e");
  static final byte[] TV2 = ascii("cposix\nsystem\n(S'id'\ntR.");
  static final byte[] TV3 = hex("80 04 8c 08 62 75 69 6c 74 69 6e 73 94 8c 04 65 76 61 6c 94 93 94 8c 03 31 2b 31 94 85 94 52 94 2e");
  static final byte[] TV4 = ascii("(S'id'\nios\nsystem\n.");
  static final byte[] TV5 = ascii("(cos\nsystem\nS'id'\no.");
  static final byte[] TV6 = hex("80 04 8c 02 6f 73 94 8c 06 73 79 73 74 65 6d 94 30 30 8c 05 74 6f 72 63 68 94 8c 0b 4c 6f 6e 67 53"
      + " 74 6f 72 61 67 65 94 30 30 68 00 68 01 93 8c 02 69 64 85 52 2e");
  static final byte[] TV7 = hex("80 02 63 63 6f 6c 6c 65 63 74 69 6f 6e 73 0a 4f 72 64 65 72 65 64 44 69 63 74 0a 71 00 29 52 71 01 2e");
  static final byte[] TV8 = ascii("cos\nsystem\n");
  static final byte[] TV9 = hex("80 04 8c 08 62 75 69 6c 74 69 6e 73 8c 03 73 65 74 93 29 7d 92 2e");
  static final byte[] TV10 = hex("53 27 6f 73 27 0a 53 27 73 79 73 74 65 6d 27 0a 93 53 27 69 64 27 0a 85 52 2e");
  static final byte[] TV11 = hex("80 02 63 70 69 70 0a 6d 61 69 6e 0a 71 00 5d 71 01 28 58 07 00 00 00 69 6e 73 74 61 6c 6c 71 02 58"
      + " 08 00 00 00 65 76 69 6c 2d 70 6b 67 71 03 65 85 71 04 52 71 05 2e");
  static final byte[] TV12 = concat(hex("80 03"), ascii("cbuiltins\ngetattr\n."));
  static final byte[] TV13 = hex("80 02 5d 71 00 2e 80 02 63 6f 73 0a 73 79 73 74 65 6d 0a 58 02 00 00 00 69 64 85 52 2e");
  static final byte[] TV14 = concat(hex("80 03"), ascii("cbuiltins\n__import__\nX\u0002\u0000\u0000\u0000os\u0085R."));
  static final byte[] TV15 = concat(hex("80 03"), ascii("cmy_pkg.layers\nCustomLayer\n)\u0081."));

  /** TV16: an NPY object array whose body is {@code posix.system('id')}. */
  static byte[] tv16() {
    String header = "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }";
    StringBuilder h = new StringBuilder(header);
    while (10 + h.length() + 1 < 128) {
      h.append(' ');
    }
    h.append('\n');
    return concat(hex("93 4e 55 4d 50 59 01 00"), new byte[] {(byte) h.length(), 0}, ascii(h.toString()),
        hex("80 02 63 70 6f 73 69 78 0a 73 79 73 74 65 6d 0a 58 02 00 00 00 69 64 85 52 2e"));
  }

  /** The §1.14 benign state dict: OrderedDict w (2×3) and b (3), FloatStorage keys "0" and "1" (227 bytes). */
  static final byte[] TINY_DATA_PKL = hex(
      "800263636f6c6c656374696f6e730a4f726465726564446963740a71002952710128580100000077710263746f7263682e5f7574"
      + "696c730a5f72656275696c645f74656e736f725f76320a71032828580700000073746f72616765710463746f7263680a466c6f"
      + "617453746f726167650a71055801000000307106580300000063707571074b06747108514b004b024b038671094b034b018671"
      + "0a8968002952710b74710c52710d580100000062710e6803282868046805580100000031710f68074b03747110514b004b0385"
      + "71114b0185711289680029527113747114527115752e");

  /** {"state_dict": OrderedDict(enc.w: HalfStorage 4×2, enc.b: HalfStorage 4), "epoch": 3}. */
  static final byte[] NESTED_DATA_PKL = hex(
      "80027d710028580a00000073746174655f64696374710163636f6c6c656374696f6e730a4f726465726564446963740a710229"
      + "527103285805000000656e632e77710463746f7263682e5f7574696c730a5f72656275696c645f74656e736f725f76320a7105"
      + "2828580700000073746f72616765710663746f7263680a48616c6653746f726167650a71075801000000307108580300000063"
      + "707571094b0874710a514b004b044b0286710b4b024b0186710c8968022952710d74710e52710f5805000000656e632e627110"
      + "6805282868066807580100000031711168094b04747112514b004b048571134b018571148968022952711574711652711775"
      + "580500000065706f636871184b03752e");

  /** A PyTorch zip checkpoint around {@code dataPkl}, with storages sized {@code storageBytes}. */
  static byte[] torchZip(byte[] dataPkl, int... storageBytes) {
    Zip z = new Zip().add("archive/data.pkl", dataPkl).add("archive/byteorder", ascii("little"));
    for (int i = 0; i < storageBytes.length; i++) {
      z.add("archive/data/" + i, new byte[storageBytes[i]]);
    }
    return z.add("archive/version", ascii("3\n")).bytes();
  }

  static byte[] tinyTorchZip() {
    return torchZip(TINY_DATA_PKL, 24, 12);
  }

  /** A stored (uncompressed) zip writer that can lie: flags and local names are patchable. */
  static final class Zip {
    private final ByteArrayOutputStream local = new ByteArrayOutputStream();
    private final ByteArrayOutputStream central = new ByteArrayOutputStream();
    private int count;
    int flags;
    String localNameOverride;

    Zip add(String name, byte[] data) {
      byte[] n = name.getBytes(UTF_8);
      byte[] ln = localNameOverride != null ? localNameOverride.getBytes(UTF_8) : n;
      localNameOverride = null;
      CRC32 crc = new CRC32();
      crc.update(data);
      int offset = local.size();
      le(local, 0x04034b50, 4);
      le(local, 20, 2);
      le(local, flags, 2);
      le(local, 0, 2);
      le(local, 0, 4);
      le(local, (int) crc.getValue(), 4);
      le(local, data.length, 4);
      le(local, data.length, 4);
      le(local, ln.length, 2);
      le(local, 0, 2);
      local.writeBytes(ln);
      local.writeBytes(data);
      le(central, 0x02014b50, 4);
      le(central, 20, 2);
      le(central, 20, 2);
      le(central, flags, 2);
      le(central, 0, 2);
      le(central, 0, 4);
      le(central, (int) crc.getValue(), 4);
      le(central, data.length, 4);
      le(central, data.length, 4);
      le(central, n.length, 2);
      le(central, 0, 2);
      le(central, 0, 2);
      le(central, 0, 2);
      le(central, 0, 2);
      le(central, 0, 4);
      le(central, offset, 4);
      central.writeBytes(n);
      count++;
      return this;
    }

    byte[] bytes() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(local.toByteArray());
      out.writeBytes(central.toByteArray());
      le(out, 0x06054b50, 4);
      le(out, 0, 2);
      le(out, 0, 2);
      le(out, count, 2);
      le(out, count, 2);
      le(out, central.size(), 4);
      le(out, local.size(), 4);
      le(out, 0, 2);
      return out.toByteArray();
    }

    private static void le(ByteArrayOutputStream out, int v, int n) {
      for (int i = 0; i < n; i++) {
        out.write(v >>> (8 * i));
      }
    }
  }
}
