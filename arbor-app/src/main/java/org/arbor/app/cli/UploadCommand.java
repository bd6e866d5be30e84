package org.arbor.app.cli;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.arbor.client.ClientException;
import org.arbor.client.FolderUploader;
import org.arbor.client.HubClient;
import org.arbor.core.RepoId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code arbor upload OWNER/NAME PATH}: a folder (or one file) into a repository, large files
 * through LFS several at a time. Creates the repository when it does not exist, as {@code hf upload}
 * does. A re-run after an interruption sends only the large files the hub does not have yet.
 */
@Command(name = "upload", mixinStandardHelpOptions = true, description = "Upload a folder or a file to a repository.")
public final class UploadCommand implements Callable<Integer> {
  @Mixin ClientOptions options;
  @Mixin RepoCommands.TypeOption type;
  @Spec CommandSpec spec;
  @Parameters(index = "0", paramLabel = "OWNER/NAME") String id;
  @Parameters(index = "1", paramLabel = "PATH", description = "A folder or a file") Path local;
  @Option(names = "--path-in-repo", description = "Where in the repository (default: its root)") String pathInRepo;
  @Option(names = "--revision", defaultValue = "main", description = "The branch to commit to (default: main)")
  String revision;
  @Option(names = {"-m", "--message"}, defaultValue = "Upload with arbor", description = "The commit message")
  String message;
  @Option(names = "--include", description = "Only paths matching these globs") List<String> include;
  @Option(names = "--exclude", description = "Not paths matching these globs") List<String> exclude;
  @Option(names = "--workers", defaultValue = "4", description = "Large files or parts sent at once (default: 4)")
  int workers;
  @Option(names = "--limit-rate", converter = ClientOptions.RateLimitConverter.class,
      description = "At most this many bytes per second, e.g. 20MB") org.arbor.client.RateLimit limitRate;

  @Override
  public Integer call() throws Exception {
    HubClient client = options.client().limitRate(limitRate);
    RepoId repo = RepoId.parse(id);
    try {
      client.snapshot(type.checked(), repo, revision);
    } catch (ClientException e) {
      if (e.kind() != ClientException.Kind.NOT_FOUND) {
        throw e;
      }
      client.createRepo(type.checked(), repo, false);
      spec.commandLine().getErr().println("created " + id);
    }
    Path folder = Files.isDirectory(local) ? local : local.toAbsolutePath().getParent();
    Predicate<String> wanted = Files.isDirectory(local) ? globs()
        : p -> p.equals(local.getFileName().toString());
    long started = System.nanoTime();
    TransferProgress progress = new TransferProgress(spec.commandLine().getErr(), System.console() != null,
        TransferProgress.Direction.UPLOAD, -1);
    FolderUploader.Result r = new FolderUploader(client, workers, progress)
        .upload(type.checked(), repo, revision, folder, pathInRepo, wanted, message);
    progress.end();
    double seconds = (System.nanoTime() - started) / 1e9;
    spec.commandLine().getErr().printf("%d files in %d commit(s); %d large files sent, %d already on the hub; "
        + "%s sent%s; %.1f s%n", r.files(), r.commits().size(), r.objectsSent(), r.objectsSkipped(),
        TransferProgress.size(r.bytesSent()), r.bytesResumed() > 0
            ? ", " + TransferProgress.size(r.bytesResumed()) + " kept by the hub from an earlier run" : "",
        seconds);
    spec.commandLine().getOut().println(client.endpoint() + "/" + (type.checked().equals("model") ? "" : "datasets/")
        + id + "/commit/" + (r.commits().isEmpty() ? revision : r.commits().getLast()));
    return 0;
  }

  private Predicate<String> globs() {
    Predicate<String> in = p -> true;
    if (include != null && !include.isEmpty()) {
      List<PathMatcher> m = include.stream().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
      in = p -> m.stream().anyMatch(x -> x.matches(Path.of(p)));
    }
    if (exclude != null && !exclude.isEmpty()) {
      List<PathMatcher> m = exclude.stream().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
      in = in.and(p -> m.stream().noneMatch(x -> x.matches(Path.of(p))));
    }
    return in;
  }
}
