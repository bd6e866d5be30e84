package org.arbor.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.Callable;
import org.arbor.formats.FormatException;
import org.arbor.formats.io.ByteSource;
import org.arbor.formats.io.ChannelByteSource;
import org.arbor.formats.io.CountingByteSource;
import org.arbor.service.WeightFormats;
import org.arbor.service.WeightSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code arbor inspect FILE_OR_URL}: what a weight file holds, from its header only. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "Show a weight file's parameters, dtypes, architecture and tensors, reading only its header. "
        + "FILE_OR_URL is a local file or a URL on any HF-compatible hub (read by range requests).")
final class InspectCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE_OR_URL", arity = "1..*")
  java.util.List<String> targets;

  @Option(names = "--json", description = "Print the full inspection as JSON")
  boolean json;

  @Option(names = "--token", description = "Token for a private remote file (default: $HF_TOKEN)")
  String token;

  @Option(names = "--tensors", description = "How many tensors to list (default 20; all with --json)")
  int tensors = 20;

  @Override
  public Integer call() throws Exception {
    int status = 0;
    for (String target : targets) {
      status = Math.max(status, inspect(target));
    }
    return status;
  }

  private int inspect(String target) throws Exception {
    WeightSummary summary;
    String name;
    long size;
    long fetched;
    long started = System.nanoTime();
    try {
      if (target.startsWith("http://") || target.startsWith("https://")) {
        URI uri = URI.create(target);
        name = Path.of(uri.getPath()).getFileName().toString();
        CountingByteSource source = new CountingByteSource(
            new HttpByteSource(uri, token != null ? token : System.getenv("HF_TOKEN")));
        summary = read(source, name);
        size = source.size();
        fetched = source.bytesRead();
      } else {
        Path path = Path.of(target);
        name = path.getFileName().toString();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
          CountingByteSource source = new CountingByteSource(new ChannelByteSource(channel));
          summary = read(source, name);
          size = source.size();
          fetched = source.bytesRead();
        }
      }
    } catch (FormatException e) {
      System.err.println("arbor inspect: " + e.getMessage());
      return 2;
    }
    double millis = (System.nanoTime() - started) / 1e6;
    if (json) {
      System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(summary));
      return 0;
    }
    System.out.printf("%s: %s, %,d parameters%n", name, summary.format(), summary.parameters());
    for (Map.Entry<String, Long> e : summary.parametersByDtype().entrySet()) {
      System.out.printf("  %-8s %,d%n", e.getKey(), e.getValue());
    }
    if (summary.architecture() != null) {
      System.out.println("  architecture:   " + summary.architecture());
    }
    if (summary.contextLength() != null) {
      System.out.println("  context length: " + summary.contextLength());
    }
    System.out.printf("  tensors:        %,d%n", summary.tensors().size());
    summary.tensors().stream().limit(tensors).forEach(t ->
        System.out.printf("    %-48s %-6s %s%n", t.name(), t.dtype(), t.shape()));
    if (summary.tensors().size() > tensors) {
      System.out.printf("    … %,d more (--tensors N or --json)%n", summary.tensors().size() - tensors);
    }
    System.out.printf("  read %,d of %,d bytes in %.1f ms%n", fetched, size, millis);
    return 0;
  }

  private static WeightSummary read(ByteSource source, String name) throws Exception {
    WeightSummary summary = WeightFormats.read(source, name);
    if (summary == null) {
      throw new FormatException(name, "not a weight file Arbor reads (safetensors, GGUF, ONNX, PyTorch zip, npy)");
    }
    return summary;
  }
}
