package org.arbor.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.arbor.core.RepoId;

/**
 * Uploads a folder as the Hub's clients do: asks which files go to LFS (preupload), asks the LFS
 * batch API where to put each large object (objects the hub already stores need no upload, so a
 * re-run after an interruption sends only what is missing), uploads those several at a time, then
 * commits (in several commits of at most {@value #FILES_PER_COMMIT} files for very large folders).
 */
public final class FolderUploader {
  static final int FILES_PER_COMMIT = 5000;

  /** What an upload did: files committed, large objects sent and skipped, bytes sent, commits made. */
  public record Result(int files, int objectsSent, int objectsSkipped, long bytesSent, List<String> commits) {}

  private final HubClient client;
  private final int threads;

  public FolderUploader(HubClient client, int threads) {
    this.client = client;
    this.threads = Math.max(1, threads);
  }

  public Result upload(String type, RepoId id, String revision, Path folder, String pathInRepo,
      Predicate<String> wanted, String message) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(folder)) {
      files = walk.filter(Files::isRegularFile)
          .filter(p -> !folder.relativize(p).toString().startsWith(".git/"))
          .filter(p -> wanted.test(folder.relativize(p).toString().replace('\\', '/')))
          .sorted().toList();
    }
    List<String> commits = new ArrayList<>();
    AtomicInteger sent = new AtomicInteger();
    AtomicInteger skipped = new AtomicInteger();
    AtomicLong bytes = new AtomicLong();
    for (int from = 0; from < files.size(); from += FILES_PER_COMMIT) {
      List<Path> part = files.subList(from, Math.min(files.size(), from + FILES_PER_COMMIT));
      commits.add(uploadPart(type, id, revision, folder, pathInRepo, part, message, sent, skipped, bytes,
          from / FILES_PER_COMMIT + 1, (files.size() + FILES_PER_COMMIT - 1) / FILES_PER_COMMIT));
    }
    return new Result(files.size(), sent.get(), skipped.get(), bytes.get(), commits);
  }

  private String uploadPart(String type, RepoId id, String revision, Path folder, String prefix, List<Path> part,
      String message, AtomicInteger sent, AtomicInteger skipped, AtomicLong bytes, int number, int of)
      throws IOException {
    List<JsonNode> described = new ArrayList<>();
    for (Path p : part) {
      byte[] sample;
      try (InputStream in = Files.newInputStream(p)) {
        sample = in.readNBytes(512);
      }
      described.add(HubClient.object().put("path", repoPath(folder, prefix, p)).put("size", Files.size(p))
          .put("sample", Base64.getEncoder().encodeToString(sample)));
    }
    Map<String, String> modes = client.preupload(type, id, revision, described);
    List<Path> large = part.stream().filter(p -> "lfs".equals(modes.get(repoPath(folder, prefix, p)))).toList();
    Map<Path, String> oids = sha256All(large);
    List<JsonNode> objects = new ArrayList<>();
    for (Path p : large) {
      objects.add(HubClient.object().put("oid", oids.get(p)).put("size", Files.size(p)));
    }
    Map<String, JsonNode> actions = objects.isEmpty() ? Map.of() : client.lfsUploadActions(type, id, objects);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> jobs = new ArrayList<>();
      for (Path p : large) {
        String oid = oids.get(p);
        JsonNode action = actions.get(oid);
        if (action == null) {
          skipped.incrementAndGet();
          continue;
        }
        jobs.add(pool.submit(() -> {
          client.uploadObject(action, p, oid, Files.size(p));
          sent.incrementAndGet();
          bytes.addAndGet(Files.size(p));
          return null;
        }));
      }
      for (Future<?> job : jobs) {
        job.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClientException(ClientException.Kind.NETWORK, "Interrupted; run the command again to resume");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ClientException c) {
        throw c;
      }
      throw new IOException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
    List<JsonNode> lines = new ArrayList<>();
    ObjectNode header = HubClient.object();
    header.put("key", "header").putObject("value")
        .put("summary", of > 1 ? message + " (" + number + "/" + of + ")" : message);
    lines.add(header);
    for (Path p : part) {
      String path = repoPath(folder, prefix, p);
      ObjectNode line = HubClient.object();
      if (oids.containsKey(p)) {
        line.put("key", "lfsFile").putObject("value").put("path", path).put("algo", "sha256").put("oid", oids.get(p))
            .put("size", Files.size(p));
      } else {
        line.put("key", "file").putObject("value").put("path", path).put("encoding", "base64")
            .put("content", Base64.getEncoder().encodeToString(Files.readAllBytes(p)));
      }
      lines.add(line);
    }
    return client.commit(type, id, revision, lines);
  }

  private Map<Path, String> sha256All(List<Path> files) throws IOException {
    Map<Path, String> out = new java.util.concurrent.ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> jobs = new ArrayList<>();
      for (Path p : files) {
        jobs.add(pool.submit(() -> {
          out.put(p, sha256(p));
          return null;
        }));
      }
      for (Future<?> job : jobs) {
        job.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while hashing", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
    return out;
  }

  private static String sha256(Path p) throws IOException {
    try (InputStream in = Files.newInputStream(p)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 20];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String repoPath(Path folder, String prefix, Path file) {
    String relative = folder.relativize(file).toString().replace('\\', '/');
    return prefix == null || prefix.isBlank() ? relative : prefix.replaceAll("/+$", "") + "/" + relative;
  }
}
