package org.arbor.formats.pickle;

import static org.arbor.formats.pickle.Vectors.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class PickleScannerTest {

  @Test
  void tv1_protocol2_os_system_is_unsafe_with_a_readable_message() throws IOException {
    ScanReport r = scan(TV1);

    assertThat(r.verdict()).isEqualTo(Verdict.UNSAFE);
    assertThat(r.findings()).extracting(Finding::message)
        .contains("calls os.system at offset 21 in x.pkl: runs a shell command",
            "imports os.system at offset 2 in x.pkl: runs a shell command");
  }

  @Test
  void tv2_protocol0_posix_system() throws IOException {
    assertDangerous(TV2, "posix.system", "REDUCE");
  }

  @Test
  void tv3_stack_global_builtins_eval_with_memoize() throws IOException {
    assertDangerous(TV3, "builtins.eval", "STACK_GLOBAL");
    assertDangerous(TV3, "builtins.eval", "REDUCE");
  }

  @Test
  void tv4_inst() throws IOException {
    assertDangerous(TV4, "os.system", "INST");
  }

  @Test
  void tv5_obj() throws IOException {
    assertDangerous(TV5, "os.system", "OBJ");
  }

  @Test
  void tv6_memo_indirection_beats_decoy_strings() throws IOException {
    ScanReport r = scan(TV6);

    assertDangerous(TV6, "os.system", "STACK_GLOBAL");
    assertThat(r.findings()).extracting(Finding::callable).doesNotContain("torch.LongStorage");
  }

  @Test
  void tv7_ordered_dict_is_safe() throws IOException {
    ScanReport r = scan(TV7);

    assertThat(r.verdict()).isEqualTo(Verdict.SAFE);
    assertThat(r.findings()).extracting(Finding::callable).contains("collections.OrderedDict");
  }

  @Test
  void tv8_truncated_after_global_is_unsafe_and_reports_the_error() throws IOException {
    ScanReport r = scan(TV8);

    assertThat(r.verdict()).isEqualTo(Verdict.UNSAFE);
    assertThat(r.findings()).extracting(Finding::severity).contains(Severity.DANGEROUS, Severity.ERROR);
  }

  @Test
  void tv9_newobj_ex_on_builtins_set_is_safe_under_the_torch_allow_list() throws IOException {
    assertThat(scan(TV9).verdict()).isEqualTo(Verdict.SAFE);
  }

  @Test
  void tv10_string_typed_stack_global_operands() throws IOException {
    assertDangerous(TV10, "os.system", "STACK_GLOBAL");
  }

  @Test
  void tv11_pip_main() throws IOException {
    assertDangerous(TV11, "pip.main", "REDUCE");
  }

  @Test
  void tv12_bare_getattr_import() throws IOException {
    assertDangerous(TV12, "builtins.getattr", "GLOBAL");
  }

  @Test
  void tv13_every_concatenated_pickle_is_scanned() throws IOException {
    assertDangerous(TV13, "os.system", "REDUCE");
  }

  @Test
  void tv14_dunder_import_is_dangerous() throws IOException {
    assertDangerous(TV14, "builtins.__import__", "REDUCE");
  }

  @Test
  void tv15_unknown_class_is_suspicious() throws IOException {
    ScanReport r = scan(TV15);

    assertThat(r.verdict()).isEqualTo(Verdict.SUSPICIOUS);
    assertThat(r.findings()).extracting(Finding::callable).contains("my_pkg.layers.CustomLayer");
  }

  @Test
  void stack_global_from_a_computed_string_is_unknown_and_dangerous() throws IOException {
    // module = operator.add('o', 's') (a call result), name = 'system'
    byte[] p = concat(hex("80 04"), ascii("coperator\nadd\n"), hex("8c 01 6f 8c 01 73 86 52"), hex("8c 06"),
        ascii("system"), hex("93 8c 02"), ascii("id"), hex("85 52 2e"));

    assertDangerous(p, "unknown.unknown", "STACK_GLOBAL");
  }

  @Test
  void stack_global_operands_through_memo_and_get_text_opcodes() throws IOException {
    // protocol 0 PUT/GET feeding STACK_GLOBAL
    byte[] p = ascii("S'subprocess'\np0\n0S'check_output'\np1\n0g0\ng1\n\u0093(S'id'\ntR.");

    assertDangerous(p, "subprocess.check_output", "REDUCE");
  }

  @Test
  void nested_pickle_in_bytes_passed_to_pickle_loads_is_scanned_too() throws IOException {
    byte[] p = concat(hex("80 03"), ascii("cpickle\nloads\n"), hex("43"), new byte[] {(byte) TV1.length}, TV1,
        hex("85 52 2e"));
    ScanReport r = scan(p);

    assertDangerous(p, "pickle.loads", "REDUCE");
    assertThat(r.findings()).anySatisfy(f -> {
      assertThat(f.callable()).isEqualTo("os.system");
      assertThat(f.member()).contains("pickle.loads");
    });
  }

  @Test
  void nested_pickle_in_protocol2_codecs_encode_bytes() throws IOException {
    String latin1 = new String(TV1, java.nio.charset.StandardCharsets.ISO_8859_1);
    byte[] inner = latin1.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] p = concat(hex("80 02"), ascii("c_pickle\nloads\n"), ascii("c_codecs\nencode\n"), hex("58"),
        le4(inner.length), inner, hex("58 06 00 00 00"), ascii("latin1"), hex("86 52 85 52 2e"));

    assertThat(scan(p).findings()).anySatisfy(f -> assertThat(f.callable()).isEqualTo("os.system"));
  }

  @Test
  void reduce_chain_through_getattr_reports_every_link() throws IOException {
    // getattr(__import__('os'), 'system')('id')
    byte[] p = concat(hex("80 02"), ascii("cbuiltins\ngetattr\n"), ascii("cbuiltins\n__import__\n"),
        hex("58 02 00 00 00"), ascii("os"), hex("85 52"), hex("58 06 00 00 00"), ascii("system"), hex("86 52"),
        hex("58 02 00 00 00"), ascii("id"), hex("85 52 2e"));
    ScanReport r = scan(p);

    assertThat(r.verdict()).isEqualTo(Verdict.UNSAFE);
    assertThat(r.findings()).extracting(Finding::callable)
        .contains("builtins.getattr", "builtins.__import__", "(result of builtins.getattr)");
  }

  @Test
  void operator_attrgetter_and_methodcaller_are_dangerous() throws IOException {
    assertDangerous(concat(hex("80 02"), ascii("coperator\nattrgetter\n"), hex("58 06 00 00 00"), ascii("system"),
        hex("85 52 2e")), "operator.attrgetter", "REDUCE");
    assertDangerous(concat(hex("80 02"), ascii("c_operator\nmethodcaller\n.")), "_operator.methodcaller", "GLOBAL");
    assertDangerous(concat(hex("80 02"), ascii("cfunctools\npartial\n.")), "functools.partial", "GLOBAL");
  }

  @Test
  void deny_list_covers_sub_modules_and_python2_names() throws IOException {
    assertDangerous(ascii("cos.path\nexists\n."), "os.path.exists", "GLOBAL");
    assertDangerous(ascii("c__builtin__\neval\n."), "__builtin__.eval", "GLOBAL");
    assertDangerous(ascii("ccPickle\nloads\n."), "cPickle.loads", "GLOBAL");
    assertDangerous(ascii("ctorch\nFloatStorage.__init__.__globals__\n."), "torch.FloatStorage.__init__.__globals__",
        "GLOBAL");
  }

  @Test
  void unknown_opcode_is_an_error() throws IOException {
    ScanReport r = scan(hex("80 02 5d ff 2e"));

    assertThat(r.verdict()).isEqualTo(Verdict.ERROR);
    assertThat(r.findings()).anySatisfy(f -> assertThat(f.message()).contains("unknown opcode 0xff"));
  }

  @Test
  void extension_codes_are_suspicious() throws IOException {
    ScanReport r = scan(hex("80 02 82 07 29 52 2e"));

    assertThat(r.verdict()).isEqualTo(Verdict.SUSPICIOUS);
    assertThat(r.findings()).extracting(Finding::opcode).contains("EXT1");
  }

  @Test
  void torch_storage_persistent_ids_are_noted_others_are_suspicious() throws IOException {
    assertThat(scan(TINY_DATA_PKL).verdict()).isEqualTo(Verdict.SAFE);
    assertThat(scan(TINY_DATA_PKL).findings()).extracting(Finding::opcode).contains("BINPERSID");
    assertThat(scan(ascii("Pfoo\n.")).verdict()).isEqualTo(Verdict.SUSPICIOUS);
  }

  @Test
  void build_on_an_unknown_object_is_reported() throws IOException {
    ScanReport r = scan(concat(hex("80 02"), ascii("cevil\nThing\n"), hex("29 81 7d 62 2e")));

    assertThat(r.findings()).anySatisfy(f -> {
      assertThat(f.opcode()).isEqualTo("BUILD");
      assertThat(f.callable()).isEqualTo("evil.Thing");
    });
  }

  @Test
  void every_protocol_0_to_5_opcode_of_a_benign_pickle_is_understood() throws IOException {
    // python3: pickle.dumps([1, -2, 2**70, 1.5, None, True, 'é', b'xy', bytearray(b'z'), (1,), (1, 2),
    //   (1, 2, 3), {'k': {1, 2}}, frozenset([3])], protocol=5) plus protocol-0 forms below
    List<byte[]> pickles = List.of(
        hex("8005958f010000000000005d94284b014afeffffff8a09000000000000000040473ff80000000000004e888c02c3a994"
            + "43027879949601000000000000007a944b0185944b014b0286944b014b024b0387947d948c016b948f94284b014b02"
            + "9073284b039194582c010000" + "78".repeat(300) + "94652e"),
        hex("5d7100284b014c313138303539313632303731373431313330333432344c0a5802000000c3a97101635f636f646563730a"
            + "656e636f64650a71022858020000007879710358060000006c6174696e3171047471055271067d710758010000006b71"
            + "08473ff800000000000073284b014b02747109652e"),
        ascii("(lp0\nI1\naL-5L\naF1.5\naS'a\\'b\\x41\\n'\naVcaf\\u00e9\nag0\naI01\na(I1\nI2\ntp1\na(dp2\nS'k'\nNsa."),
        hex("80 02 5d 71 00 28 4a ff ff ff ff 4d ff ff 47 3f f8 00 00 00 00 00 00 89 88 4e 29 8b 02 00 00 00 01 01 65 2e"),
        hex("80 04 95 0e 00 00 00 00 00 00 00 8f 94 28 4b 01 4b 02 90 28 4b 03 91 86 2e"),
        hex("80 05 8e 01 00 00 00 00 00 00 00 61 96 02 00 00 00 00 00 00 00 62 63 86 2e"),
        hex("80 03 42 01 00 00 00 61 43 01 62 54 01 00 00 00 63 55 01 64 86 86 2e"));
    for (byte[] p : pickles) {
      ScanReport r = scan(p);
      assertThat(r.verdict()).as(java.util.HexFormat.of().formatHex(p)).isEqualTo(Verdict.SAFE);
    }
  }

  static ScanReport scan(byte[] bytes) throws IOException {
    return PickleScanner.scan(new ByteArrayInputStream(bytes), "x.pkl");
  }

  static void assertDangerous(byte[] bytes, String callable, String opcode) throws IOException {
    ScanReport r = scan(bytes);
    assertThat(r.verdict()).as(r.toString()).isEqualTo(Verdict.UNSAFE);
    assertThat(r.findings()).as(r.toString()).anySatisfy(f -> {
      assertThat(f.severity()).isEqualTo(Severity.DANGEROUS);
      assertThat(f.callable()).isEqualTo(callable);
      assertThat(f.opcode()).isEqualTo(opcode);
    });
  }

  static byte[] le4(int v) {
    return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
  }
}
