package org.arbor.formats.xet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hash vectors from the Xet reference (xet-core's tests and bytes uploaded by hf_xet). */
class XetHashesTest {
  private static final String ZERO = "0".repeat(64);
  private static final String H100 = "cfc5d07f6f03c29bbf424132963fe08d19a37d5757aaf520bf08119f05cd56d6";
  private static final String H200 = "c3e67584b5c4fc2a89837ec39e40f2c8a6bb0b2987ac94cd4b31e5fbdd210a72";
  private static final String H300 = "0d2beb91b9196929a5ddec9f6e306924ddf4a24268e3e59fd8464738d525af37";

  @Test
  void the_string_form_reverses_each_eight_byte_group() {
    byte[] raw = HexFormat.of().parseHex("16af3a84044b83d6be998a42e20399f2cc5650eaf99950639f50418aece7954e");
    XetHash hash = XetHash.ofRaw(raw);

    assertThat(hash.toString()).isEqualTo("d6834b04843aaf16f29903e2428a99be635099f9ea5056cc4e95e7ec8a41509f");
    assertThat(XetHash.parse(hash.toString())).isEqualTo(hash);
    assertThat(XetHash.parse(hash.toString().toUpperCase()).raw()).isEqualTo(raw);
    assertThatThrownBy(() -> XetHash.parse("abc")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void modulo_reads_the_last_word() {
    XetHash hash = XetHash.parse("4367fe9a96990ce75c96785622984bb8b5b2140d25197a759acad97fb48ddb4b");
    assertThat(hash.modulo(1024)).isEqualTo(0xdb4b & 0x3ff);
    assertThat(hash.lastWord()).isEqualTo(Long.parseUnsignedLong("9acad97fb48ddb4b", 16));
  }

  @Test
  void merkle_and_file_hashes_match_xet_core() {
    assertThat(XetHashes.aggregate(List.of())).isEqualTo(XetHash.ZERO);
    assertThat(XetHashes.file(List.of())).isEqualTo(XetHash.ZERO);
    assertRoot(List.of(node(ZERO, 0)), ZERO, "638a6bc391964a85939d48f008e8bdbae6a7975e7ca2d87a3ce2492f4e4d8a4c");
    assertRoot(List.of(node(H100, 100)), H100, "8e16257caa3fe079d484d872a8975264b2ff683b0d6db9028cc7c0f968a45661");
    assertRoot(List.of(node(H100, 100), node(H200, 200), node(H300, 300)),
        "71ec1275fca074724e2dd666921b3277c7cee603e4d025bcab2d4050015be2bc",
        "54e55dccc6653c612bdb5576c5d3cb34bb31bc4e100248abccf4c908b3ef7715");
    assertRoot(List.of(node(H100, 100), node(H100, 100), node(H100, 100), node(H100, 100)),
        "89f2ada89ff8c96763c6b25010e6dd76a4c05b1466207633ea559acf2093211b",
        "2cdba690d0e09563596e0cda626d43eb4c96ef1e994fe72d9b2f5a83cfcd36dd");
    assertRoot(List.of(node(H100, 100), node(ZERO, 0)),
        "e8660f81494ca836a58e395c1395ef97870ed71e2b113eec1fab6b3361f46dd6",
        "274d92f7e2acebaa2b8d63c0b5e7a4fc15814a606e3e3825d55609e671bcc5d9");
  }

  @Test
  void a_tree_of_several_levels_matches_xet_core() {
    String[][] pairs = {{ZERO, "0"}, {H100, "100"}, {H200, "200"}, {H300, "300"},
        {"adf8773496a9b7319b2e50dc98093f344053b17d8ad37100b9c07d9805988784", "400"},
        {"4ac202caf347fc1e9c874b1ef6a1c5e619141eb775a6f43f0f0124ccd0060d9e", "500"},
        {"b3b28636f65c149ea52eb1f94669466f70f033b54cea792824c696ba6ef3c389", "600"},
        {"0e2c1a002aae913d2c0fc8ddfa4e9e14b7b311b3b0d458726d5d9f6a6318013c", "700"}};
    List<XetHashes.Node> leaves = new ArrayList<>();
    for (String[] p : pairs) {
      leaves.add(node(p[0], Long.parseLong(p[1])));
      leaves.add(node(p[0], Long.parseLong(p[1])));
    }
    assertRoot(leaves, "636c65db520ec16e8166f9ec7a0cf9f74b26369077ac60160ec0221c86bc9f77",
        "6a90ad0d6f5246ac61f1de898c6944c03e14004a1368e6fb23387108c4d039e0");
  }

  @Test
  void hello_xet_as_hf_xet_uploaded_it() {
    byte[] content = "Hello, Xet!\n".getBytes(StandardCharsets.US_ASCII);
    XetHash chunk = XetHashes.chunk(content, 0, content.length);

    assertThat(chunk).hasToString("4367fe9a96990ce75c96785622984bb8b5b2140d25197a759acad97fb48ddb4b");
    assertThat(HexFormat.of().formatHex(chunk.raw()))
        .isEqualTo("e70c99969afe6743b84b98225678965c757a19250d14b2b54bdb8db47fd9ca9a");
    assertThat(XetHashes.file(List.of(new XetHashes.Node(chunk, 12))))
        .hasToString("2358f5cec221287c029423187990c0c51d093e6ccdfcd911c1b90da1dc5a2c17");
    assertThat(XetHashes.verification(List.of(chunk)))
        .hasToString("3d4923631f3d955c1e93ce0ec71af6af84c0afc3cfdd1d1e165a89685c21df85");
  }

  private static void assertRoot(List<XetHashes.Node> leaves, String xorb, String file) {
    assertThat(XetHashes.aggregate(leaves)).hasToString(xorb);
    assertThat(XetHashes.file(leaves)).hasToString(file);
  }

  private static XetHashes.Node node(String hash, long size) {
    return new XetHashes.Node(XetHash.parse(hash), size);
  }
}
