package org.arbor.formats.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.arbor.formats.io.ByteArraySource;
import org.arbor.formats.io.ChannelByteSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prints metadata parsing throughput for a ~10 MB tokenizer block; a measurement, not an assertion on time. */
class GgufThroughputTest {
  @TempDir Path tmp;

  @Test
  void prints_metadata_parse_throughput_for_a_10_mb_tokenizer() throws Exception {
    int vocab = 400_000;
    List<String> tokens = new ArrayList<>(vocab);
    List<Double> scores = new ArrayList<>(vocab);
    List<Long> types = new ArrayList<>(vocab);
    for (int i = 0; i < vocab; i++) {
      tokens.add((i % 3 == 0 ? "Ġ" : "") + "tok" + i);
      scores.add((double) -i);
      types.add(1L);
    }
    byte[] bytes = GgufWriter.v3()
        .put("general.architecture", "llama")
        .putArray("tokenizer.ggml.tokens", GgufValueType.STRING, tokens)
        .putArray("tokenizer.ggml.scores", GgufValueType.FLOAT32, scores)
        .putArray("tokenizer.ggml.token_type", GgufValueType.INT32, types)
        .toBytes();
    Path file = Files.write(tmp.resolve("tokenizer.gguf"), bytes);

    bestMbPerSecond(bytes, null); // warm-up
    double inMemory = bestMbPerSecond(bytes, null);
    double fromFile = bestMbPerSecond(bytes, file);

    System.out.printf("gguf metadata parse: %.1f MB header, %.0f MB/s in memory, %.0f MB/s from a file%n",
        bytes.length / 1e6, inMemory, fromFile);
    assertThat(bytes.length).isGreaterThan(10_000_000);
  }

  private static double bestMbPerSecond(byte[] bytes, Path file) throws Exception {
    long best = Long.MAX_VALUE;
    for (int run = 0; run < 8; run++) {
      long start = System.nanoTime();
      GgufFile parsed;
      if (file == null) {
        parsed = GgufReader.read(new ByteArraySource(bytes), "tokenizer.gguf");
      } else {
        try (FileChannel channel = FileChannel.open(file)) {
          parsed = GgufReader.read(new ChannelByteSource(channel), "tokenizer.gguf");
        }
      }
      best = Math.min(best, System.nanoTime() - start);
      assertThat((List<?>) parsed.metadata().get("tokenizer.ggml.tokens")).hasSize(400_000);
    }
    return bytes.length / 1e6 / (best / 1e9);
  }
}
