package org.arbor.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.arbor.client.RemoteFile;
import org.arbor.formats.FormatException;
import org.arbor.formats.io.ByteSource;
import org.arbor.formats.io.ChannelByteSource;
import org.arbor.formats.io.CountingByteSource;
import org.arbor.service.FileFormats;
import org.arbor.service.WeightFormats;
import org.arbor.service.WeightSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code arbor inspect FILE_OR_URL} or {@code arbor inspect --repo OWNER/NAME}: what weight files hold, from their headers. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "Show weight files' parameters, dtypes, architecture and tensors, reading only their headers. "
        + "FILE_OR_URL is a local file or a URL on any HF-compatible hub (read by range requests); with --repo, "
        + "the weight files of a repository on the hub (or those named), without downloading them.")
final class InspectCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE_OR_URL", arity = "0..*", description = "Local files or URLs; with --repo, paths in it")
  List<String> targets = new ArrayList<>();

  @Mixin RemoteRepoOptions remote;

  @Option(names = "--json", description = "Print the full inspection as JSON")
  boolean json;

  @Option(names = "--tensors", description = "How many tensors to list (default 20; all with --json)")
  int tensors = 20;

  /** What one file was read from: its name, its bytes, and a count of the bytes fetched. */
  private record Target(String name, ByteSource bytes, CountingByteSource fetched) {}

  @Override
  public Integer call() throws Exception {
    if (remote.given()) {
      return inspectRepo();
    }
    if (targets.isEmpty()) {
      System.err.println("arbor inspect: name a file or URL, or a repository with --repo");
      return 2;
    }
    int status = 0;
    for (String target : targets) {
      if (target.startsWith("http://") || target.startsWith("https://")) {
        URI uri = URI.create(target);
        CountingByteSource source = new CountingByteSource(
            new HttpByteSource(uri, remote.client.tokenFor(uri).orElse(null)));
        status = Math.max(status, inspect(new Target(Path.of(uri.getPath()).getFileName().toString(), source, source)));
      } else {
        Path path = Path.of(target);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
          CountingByteSource source = new CountingByteSource(new ChannelByteSource(channel));
          status = Math.max(status, inspect(new Target(path.getFileName().toString(), source, source)));
        }
      }
    }
    return status;
  }

  /** The repository's weight files (or the named ones), each through range requests. */
  private int inspectRepo() throws Exception {
    RemoteRepoFiles repoFiles = remote.open();
    List<RemoteFile> files = new ArrayList<>();
    if (targets.isEmpty()) {
      repoFiles.files().stream().filter(f -> FileFormats.of("model", f.path()).isPresent()).forEach(files::add);
    } else {
      targets.forEach(t -> files.add(repoFiles.file(t)));
    }
    if (files.isEmpty()) {
      System.out.printf("%s@%s holds no weight files%n", remote.repo, repoFiles.commit().substring(0, 10));
      return 0;
    }
    int status = 0;
    for (RemoteFile file : files) {
      RemoteRepoFiles.Opened opened = repoFiles.open(file);
      int one = inspect(new Target(file.path(), opened.bytes(), opened.network()));
      // Named files must parse; among all of a repository's, one that is not a weight file after all is only noted.
      status = Math.max(status, targets.isEmpty() ? 0 : one);
    }
    return status;
  }

  private int inspect(Target target) throws Exception {
    WeightSummary summary;
    long started = System.nanoTime();
    try {
      summary = WeightFormats.read(target.bytes(), target.name());
      if (summary == null) {
        throw new FormatException(target.name(),
            "not a weight file Arbor reads (safetensors, GGUF, ONNX, PyTorch zip, npy)");
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
    System.out.printf("%s: %s, %,d parameters%n", target.name(), summary.format(), summary.parameters());
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
    System.out.printf("  read %,d of %,d bytes in %.1f ms%n", target.fetched().bytesRead(), target.bytes().size(),
        millis);
    return 0;
  }
}
