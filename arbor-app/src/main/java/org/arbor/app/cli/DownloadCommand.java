package org.arbor.app.cli;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.arbor.client.HubClient;
import org.arbor.client.Snapshot;
import org.arbor.client.SnapshotDownloader;
import org.arbor.core.RepoId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code arbor download OWNER/NAME [FILES...]}: the files of a revision, several at a time, each
 * verified against the hub's SHA-256 (or git blob id) before it appears; an interrupted run
 * resumes where it stopped. Into {@code --local-dir}, or the Hugging Face cache shared with
 * {@code hf download}. Prints the folder holding the files.
 */
@Command(name = "download", mixinStandardHelpOptions = true, description = "Download a repository's files, verified.")
public final class DownloadCommand implements Callable<Integer> {
  @Mixin ClientOptions options;
  @Mixin RepoCommands.TypeOption type;
  @Spec CommandSpec spec;
  @Parameters(index = "0", paramLabel = "OWNER/NAME") String id;
  @Parameters(index = "1..*", paramLabel = "FILES", description = "Only these files (default: all)") List<String> files;
  @Option(names = "--revision", defaultValue = "main", description = "Branch, tag or commit (default: main)")
  String revision;
  @Option(names = "--local-dir", description = "Put the files here, at their paths (default: the HF cache)")
  Path localDir;
  @Option(names = "--include", description = "Only paths matching these globs") List<String> include;
  @Option(names = "--exclude", description = "Not paths matching these globs") List<String> exclude;
  @Option(names = "--workers", defaultValue = "4", description = "Files fetched at once (default: 4)") int workers;
  @Option(names = "--streams", defaultValue = "1", description = "Byte ranges of one large file (at least 8 MiB each) "
      + "fetched at once, for distant hubs where one connection is slower than the link (default: 1)")
  int streams;
  @Option(names = "--limit-rate", converter = ClientOptions.RateLimitConverter.class,
      description = "At most this many bytes per second, e.g. 20MB") org.arbor.client.RateLimit limitRate;

  @Override
  public Integer call() throws Exception {
    if (streams < 1 || streams > 16) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--streams must be 1 to 16: " + streams);
    }
    HubClient client = options.client().limitRate(limitRate);
    Snapshot snapshot = client.snapshot(type.checked(), RepoId.parse(id), revision);
    Predicate<String> wanted = wanted();
    long total = snapshot.files().stream().filter(f -> wanted.test(f.path())).mapToLong(f -> Math.max(0, f.size()))
        .sum();
    TransferProgress progress = new TransferProgress(spec.commandLine().getErr(), System.console() != null,
        TransferProgress.Direction.DOWNLOAD, total);
    SnapshotDownloader downloader = new SnapshotDownloader(client, workers, progress, streams);
    SnapshotDownloader.Result result;
    Path where;
    if (localDir != null) {
      where = localDir.toAbsolutePath().normalize();
      result = downloader.toFolder(snapshot, where, wanted);
    } else {
      Path cache = cacheRoot();
      result = downloader.toCache(snapshot, cache, revision, wanted);
      where = cache.resolve(type.checked() + "s--" + id.replace("/", "--")).resolve("snapshots")
          .resolve(snapshot.commit());
    }
    progress.end();
    spec.commandLine().getErr().printf("%d fetched, %d already here, %s received%s%n", result.fetched(),
        result.skipped(), TransferProgress.size(result.bytes()),
        result.resumedBytes() > 0 ? ", " + TransferProgress.size(result.resumedBytes()) + " resumed" : "");
    spec.commandLine().getOut().println(where);
    return 0;
  }

  private Predicate<String> wanted() {
    List<Predicate<String>> rules = new ArrayList<>();
    if (files != null && !files.isEmpty()) {
      rules.add(files::contains);
    }
    if (include != null && !include.isEmpty()) {
      List<PathMatcher> matchers = include.stream().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
      rules.add(p -> matchers.stream().anyMatch(m -> m.matches(Path.of(p))));
    }
    if (exclude != null && !exclude.isEmpty()) {
      List<PathMatcher> matchers = exclude.stream().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
      rules.add(p -> matchers.stream().noneMatch(m -> m.matches(Path.of(p))));
    }
    return p -> rules.stream().allMatch(r -> r.test(p));
  }

  /** {@code HF_HUB_CACHE}, else {@code HF_HOME/hub}, else {@code ~/.cache/huggingface/hub}, as huggingface_hub. */
  private Path cacheRoot() {
    String hubCache = options.env.get("HF_HUB_CACHE");
    if (hubCache != null && !hubCache.isBlank()) {
      return Path.of(hubCache);
    }
    String home = options.env.get("HF_HOME");
    if (home != null && !home.isBlank()) {
      return Path.of(home, "hub");
    }
    return Path.of(System.getProperty("user.home"), ".cache", "huggingface", "hub");
  }
}
