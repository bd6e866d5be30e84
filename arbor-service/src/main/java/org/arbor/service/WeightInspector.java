package org.arbor.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.arbor.formats.FormatException;
import org.arbor.formats.io.ByteSource;
import org.arbor.storage.blob.BlobStore;
import org.arbor.storage.db.AnalysisRows;
import org.arbor.storage.git.GitEntry;
import org.arbor.storage.git.GitRepo;

/**
 * Inspects weight files from their headers, once per file SHA-256, and keeps the result. Reads
 * only the byte ranges the parsers ask for, from the blob store (LFS files) or git; a malformed
 * file is recorded with the parser's message, never retried.
 */
public final class WeightInspector {
  /** Bump when the parsers or the summary change, so every file is inspected again. */
  public static final String VERSION = "weights-1";
  private static final Set<String> EXTENSIONS = Set.of(
      "safetensors", "gguf", "onnx", "npy", "bin", "pt", "pth", "ckpt");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final AnalysisRows rows;
  private final BlobStore blobs;
  private final Clock clock;

  public WeightInspector(AnalysisRows rows, BlobStore blobs, Clock clock) {
    this.rows = rows;
    this.blobs = blobs;
    this.clock = clock;
  }

  /** True for file names that may hold weights worth inspecting. */
  static boolean isCandidate(String path) {
    int dot = path.lastIndexOf('.');
    return dot >= 0 && EXTENSIONS.contains(path.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  /** Inspects a file of a revision unless a file with the same content already was. */
  void inspect(GitRepo repo, GitEntry file) throws IOException {
    String key = contentKey(repo, file);
    if (rows.inspection(key, VERSION).isPresent()) {
      return;
    }
    String format = "unknown";
    String result = null;
    String error = null;
    try (FileContent content = FileContent.open(repo, file, blobs)) {
      ByteSource source = content.bytes();
      WeightSummary summary = WeightFormats.read(source, file.path());
      if (summary == null) {
        return; // not a weight file after all (a .bin that is neither zip nor pickle, say)
      }
      format = summary.format();
      result = JSON.writeValueAsString(summary);
    } catch (FormatException e) {
      format = WeightFormats.guess(file.path());
      error = e.getMessage();
    }
    rows.saveInspection(new AnalysisRows.Inspection(key, VERSION, format, result, error), clock.instant());
  }

  /** The stored summary of a file of a revision, if it has been inspected and is well-formed. */
  Optional<WeightSummary> summary(GitRepo repo, GitEntry file) throws IOException {
    Optional<AnalysisRows.Inspection> found = rows.inspection(contentKey(repo, file), VERSION);
    if (found.isEmpty() || found.get().result() == null) {
      return Optional.empty();
    }
    return Optional.of(JSON.readValue(found.get().result(), WeightSummary.class));
  }

  /**
   * The summaries of many files of one revision in one query (a model's info lists every shard);
   * files not inspected yet, or whose header was malformed, are absent. Keyed by path.
   */
  java.util.Map<String, WeightSummary> summaries(GitRepo repo, java.util.List<GitEntry> files) throws IOException {
    java.util.Map<String, String> keyByPath = new java.util.LinkedHashMap<>();
    for (GitEntry file : files) {
      keyByPath.put(file.path(), contentKey(repo, file));
    }
    java.util.Map<String, AnalysisRows.Inspection> found = rows.inspections(keyByPath.values(), VERSION);
    java.util.Map<String, WeightSummary> out = new java.util.LinkedHashMap<>();
    for (var entry : keyByPath.entrySet()) {
      AnalysisRows.Inspection inspection = found.get(entry.getValue());
      if (inspection != null && inspection.result() != null) {
        out.put(entry.getKey(), JSON.readValue(inspection.result(), WeightSummary.class));
      }
    }
    return out;
  }

  /** The inspection error of a file, if its header was malformed. */
  Optional<String> error(GitRepo repo, GitEntry file) throws IOException {
    return rows.inspection(contentKey(repo, file), VERSION).map(AnalysisRows.Inspection::error);
  }

  /** Inspects now if needed (e.g. a detail request before the worker got there), then answers. */
  Optional<WeightSummary> summaryNow(GitRepo repo, GitEntry file) throws IOException {
    inspect(repo, file);
    return summary(repo, file);
  }

  private static String contentKey(GitRepo repo, GitEntry file) throws IOException {
    return FileContent.key(repo, file);
  }
}
