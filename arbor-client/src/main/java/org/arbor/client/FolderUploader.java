package org.arbor.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
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
 *
 * <p>Objects the hub wants in parts (its multipart transfer) go up part by part, several parts at
 * once; parts the hub kept from an interrupted run are not sent again.
 */
public final class FolderUploader {
  static final int FILES_PER_COMMIT = 5000;

  /**
   * What an upload did: files committed, large objects sent and skipped, bytes put on the wire
   * (broken attempts included), bytes the hub kept from an earlier run, commits made.
   */
  public record Result(int files, int objectsSent, int objectsSkipped, long bytesSent, long bytesResumed,
      List<String> commits) {}

  private final HubClient client;
  private final int threads;
  private final TransferListener progress;

  public FolderUploader(HubClient client, int threads, TransferListener progress) {
    this.client = client;
    this.threads = Math.max(1, threads);
    this.progress = progress;
  }

  /** Counters shared by the commits of one upload. */
  private static final class Tally {
    final AtomicInteger sent = new AtomicInteger();
    final AtomicInteger skipped = new AtomicInteger();
    final AtomicLong resumed = new AtomicLong();
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
    Tally tally = new Tally();
    long sentBefore = client.bytesSent();
    for (int from = 0; from < files.size(); from += FILES_PER_COMMIT) {
      List<Path> part = files.subList(from, Math.min(files.size(), from + FILES_PER_COMMIT));
      commits.add(uploadPart(type, id, revision, folder, pathInRepo, part, message, tally,
          from / FILES_PER_COMMIT + 1, (files.size() + FILES_PER_COMMIT - 1) / FILES_PER_COMMIT));
    }
    return new Result(files.size(), tally.sent.get(), tally.skipped.get(), client.bytesSent() - sentBefore,
        tally.resumed.get(), commits);
  }

  private String uploadPart(String type, RepoId id, String revision, Path folder, String prefix, List<Path> part,
      String message, Tally tally, int number, int of) throws IOException {
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
      List<Multipart> multiparts = new ArrayList<>();
      for (Path p : large) {
        String oid = oids.get(p);
        String name = repoPath(folder, prefix, p);
        long size = Files.size(p);
        JsonNode action = actions.get(oid);
        if (action == null) {
          tally.skipped.incrementAndGet();
          progress.finished(name, size, true);
        } else if (action.path("upload").path("header").has("chunk_size")) {
          multiparts.add(sendParts(pool, jobs, action.path("upload"), p, name, oid, size, tally));
        } else {
          JsonNode upload = action.path("upload");
          Map<String, String> headers = new HashMap<>();
          upload.path("header").fields().forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
          progress.started(name, size, 0);
          jobs.add(pool.submit(() -> {
            client.put(URI.create(upload.path("href").asText()), headers, p, 0, size, progress, name);
            client.verify(action, oid, size, name);
            tally.sent.incrementAndGet();
            progress.finished(name, size, false);
            return null;
          }));
        }
      }
      Jobs.awaitAll(jobs);
      List<Future<?>> completions = new ArrayList<>();
      for (Multipart m : multiparts) {
        completions.add(pool.submit(() -> {
          client.completeParts(m.completion(), m.oid(), m.etags(), m.name());
          tally.sent.incrementAndGet();
          progress.finished(m.name(), m.size(), false);
          return null;
        }));
      }
      Jobs.awaitAll(completions);
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

  /** An object being sent in parts: where to complete it, and the ETag of each part as it arrives. */
  private record Multipart(URI completion, String oid, String name, long size,
      SortedMap<Integer, String> etags) {}

  /**
   * Queues the parts of one object that the hub does not hold yet (it lists those it kept from an
   * earlier, interrupted run), each PUT on its own; the ETags fill in as they finish.
   */
  private Multipart sendParts(ExecutorService pool, List<Future<?>> jobs, JsonNode upload, Path file, String name,
      String oid, long size, Tally tally) {
    JsonNode header = upload.path("header");
    long chunk = header.path("chunk_size").asText().matches("\\d{1,18}")
        ? Long.parseLong(header.path("chunk_size").asText()) : -1;
    SortedMap<Integer, URI> urls = new TreeMap<>();
    header.fields().forEachRemaining(h -> {
      if (h.getKey().matches("\\d+")) {
        urls.put(Integer.parseInt(h.getKey()), URI.create(h.getValue().asText()));
      }
    });
    if (chunk <= 0 || urls.size() != (size + chunk - 1) / chunk || urls.firstKey() != 1 || urls.lastKey() != urls.size()) {
      throw new ClientException(ClientException.Kind.SERVER, "The hub's multipart answer for " + name
          + " does not cut " + size + " bytes into parts of " + chunk);
    }
    URI completion = URI.create(upload.path("href").asText());
    SortedMap<Integer, String> etags = Collections.synchronizedSortedMap(new TreeMap<>());
    Map<Integer, String> held = client.storedParts(completion);
    long resumed = 0;
    for (Map.Entry<Integer, String> h : held.entrySet()) {
      if (urls.containsKey(h.getKey())) {
        etags.put(h.getKey(), h.getValue());
        resumed += Math.min(chunk, size - (h.getKey() - 1) * chunk);
      }
    }
    tally.resumed.addAndGet(resumed);
    progress.started(name, size, resumed);
    for (Map.Entry<Integer, URI> part : urls.entrySet()) {
      int n = part.getKey();
      if (etags.containsKey(n)) {
        continue;
      }
      long offset = (n - 1) * chunk;
      long length = Math.min(chunk, size - offset);
      jobs.add(pool.submit(() -> {
        String etag = client.put(part.getValue(), Map.of(), file, offset, length, progress, name + " part " + n);
        if (etag == null || etag.isBlank()) {
          throw new ClientException(ClientException.Kind.SERVER, "The hub gave no ETag for part " + n + " of " + name);
        }
        etags.put(n, etag);
        return null;
      }));
    }
    return new Multipart(completion, oid, name, size, etags);
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
      Jobs.awaitAll(jobs);
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
