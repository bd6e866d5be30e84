package org.arbor.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.arbor.formats.io.ByteSource;
import org.arbor.formats.pickle.Finding;
import org.arbor.formats.pickle.ModelFileScanner;
import org.arbor.formats.pickle.ScanReport;
import org.arbor.formats.pickle.Severity;
import org.arbor.storage.blob.BlobStore;
import org.arbor.storage.db.AnalysisRows;
import org.arbor.storage.git.GitEntry;
import org.arbor.storage.git.GitRepo;

/**
 * The unsafe-serialization scan of every file, once per file SHA-256 and rule version: the
 * verdict ({@code safe}, {@code suspicious}, {@code unsafe}, {@code error}) with findings that
 * name the callable, the opcode offset and the archive member.
 */
public final class Scans {
  /** The rules' version: bump it when the scanner changes and every file is scanned again. */
  public static final String VERSION = "pickle-scan-1";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final AnalysisRows rows;
  private final BlobStore blobs;
  private final Clock clock;

  public Scans(AnalysisRows rows, BlobStore blobs, Clock clock) {
    this.rows = rows;
    this.blobs = blobs;
    this.clock = clock;
  }

  /** One scan finding as stored and shown. */
  public record Issue(String severity, String callable, String opcode, long offset, String member, String message) {}

  /** A stored scan result. {@code verdict} is lower case: safe, suspicious, unsafe or error. */
  public record Result(String verdict, List<Issue> findings, String version) {
    public boolean blocksUnderPolicy() {
      return verdict.equals("unsafe") || verdict.equals("error");
    }
  }

  /** Scans a file of a revision unless a file with the same content already was. */
  Result scan(GitRepo repo, GitEntry file) throws IOException {
    String key = FileContent.key(repo, file);
    Optional<Result> stored = stored(key);
    if (stored.isPresent()) {
      return stored.get();
    }
    Result result;
    try (FileContent content = FileContent.open(repo, file, blobs)) {
      result = toResult(ModelFileScanner.scan(content.bytes(), file.path()));
    }
    save(key, result);
    return result;
  }

  /** Scans bytes not yet in a revision (a commit being checked under a block policy), keeping the result. */
  Result scan(String sha256, ByteSource source, String name) throws IOException {
    Optional<Result> stored = stored(sha256);
    if (stored.isPresent()) {
      return stored.get();
    }
    Result result = toResult(ModelFileScanner.scan(source, name));
    save(sha256, result);
    return result;
  }

  /** The stored result for a file of a revision; empty while it is still queued. */
  Optional<Result> result(GitRepo repo, GitEntry file) throws IOException {
    return stored(FileContent.key(repo, file));
  }

  /**
   * The stored verdicts of many files at once (one query per 5,000), by path; unscanned files are
   * absent. Only the verdict is read from each stored result, which keeps a 10,000-file summary fast.
   */
  Map<String, String> verdicts(GitRepo repo, List<GitEntry> files) throws IOException {
    Map<String, String> keys = new HashMap<>();
    for (GitEntry file : files) {
      keys.put(file.path(), FileContent.key(repo, file));
    }
    Map<String, AnalysisRows.Inspection> found = rows.inspections(keys.values(), VERSION);
    Map<String, String> out = new HashMap<>();
    for (Map.Entry<String, String> e : keys.entrySet()) {
      AnalysisRows.Inspection inspection = found.get(e.getValue());
      if (inspection != null && inspection.result() != null) {
        out.put(e.getKey(), verdictOf(inspection.result()));
      }
    }
    return out;
  }

  private static String verdictOf(String resultJson) throws IOException {
    try (com.fasterxml.jackson.core.JsonParser parser = JSON.getFactory().createParser(resultJson)) {
      while (parser.nextToken() != null) {
        if (parser.currentToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME
            && parser.currentName().equals("verdict") && parser.getParsingContext().getParent().inRoot()) {
          parser.nextToken();
          return parser.getText();
        }
      }
    }
    return JSON.readValue(resultJson, Result.class).verdict();
  }

  private Optional<Result> stored(String sha256) throws IOException {
    Optional<AnalysisRows.Inspection> found = rows.inspection(sha256, VERSION);
    if (found.isEmpty() || found.get().result() == null) {
      return Optional.empty();
    }
    return Optional.of(JSON.readValue(found.get().result(), Result.class));
  }

  private void save(String sha256, Result result) throws IOException {
    rows.saveInspection(new AnalysisRows.Inspection(sha256, VERSION, "scan", JSON.writeValueAsString(result), null),
        clock.instant());
  }

  private static Result toResult(ScanReport report) {
    List<Issue> issues = new ArrayList<>();
    for (Finding f : report.findings()) {
      issues.add(new Issue(f.severity().name().toLowerCase(Locale.ROOT), f.callable(), f.opcode(), f.offset(),
          f.member(), f.message()));
    }
    return new Result(report.verdict().name().toLowerCase(Locale.ROOT), issues, VERSION);
  }

  /** The pickle imports a result names, with the Hub's safety words (innocuous, suspicious, dangerous). */
  static List<String[]> imports(Result result) {
    List<String[]> out = new ArrayList<>();
    for (Issue issue : result.findings()) {
      if (issue.callable() == null) {
        continue;
      }
      int dot = issue.callable().lastIndexOf('.');
      String module = dot < 0 ? "" : issue.callable().substring(0, dot);
      String name = dot < 0 ? issue.callable() : issue.callable().substring(dot + 1);
      String safety = switch (Severity.valueOf(issue.severity().toUpperCase(Locale.ROOT))) {
        case INFO -> "innocuous";
        case SUSPICIOUS -> "suspicious";
        case DANGEROUS, ERROR -> "dangerous";
      };
      out.add(new String[] {module, name, safety});
    }
    return out;
  }
}
