package org.arbor.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.arbor.client.RemoteFile;
import org.arbor.formats.io.ChannelByteSource;
import org.arbor.formats.pickle.Finding;
import org.arbor.formats.pickle.ModelFileScanner;
import org.arbor.formats.pickle.ScanReport;
import org.arbor.formats.pickle.Severity;
import org.arbor.formats.pickle.Verdict;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code arbor scan PATH...}: judges local files by their bytes before they are uploaded. Each
 * file is streamed through a {@link ChannelByteSource}; none is read into memory whole.
 */
@Command(name = "scan", mixinStandardHelpOptions = true,
    exitCodeOnInvalidInput = ScanCommand.USAGE, exitCodeOnExecutionException = ScanCommand.USAGE,
    description = "Scan local files and folders (recursively, skipping .git/) for unsafe serialization "
        + "(pickle imports and calls, PyTorch, NumPy object arrays, joblib, nested archives) before upload, "
        + "or with --repo every file of a repository on a hub, read by range requests (only the bytes the "
        + "scanner needs cross the network). Files are judged by their bytes, never by their names.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:every file is safe",
        "1:the worst file is suspicious",
        "2:the worst file is unsafe (ERROR counts as unsafe)",
        "3:usage or I/O error (e.g. a path that does not exist)",
        "4-8:with --repo, the hub answered with a failure, as for `arbor download` (4: not found)"})
final class ScanCommand implements Callable<Integer> {
  static final int USAGE = 3;

  @Parameters(paramLabel = "PATH", arity = "0..*", description = "Files or folders to scan")
  List<Path> paths = new ArrayList<>();

  @Mixin RemoteRepoOptions remote;

  @Option(names = "--json", description = "Print a JSON array: [{path, verdict, findings: [...]}]")
  boolean json;

  @Spec
  CommandSpec spec;

  /** One scanned file: its path as shown, and the report. */
  private record Scanned(String path, ScanReport report) { }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!remote.given() && paths.isEmpty()) {
      err.println("arbor scan: name files or folders, or a repository with --repo");
      err.flush();
      return USAGE;
    }
    for (Path p : paths) {
      if (!Files.exists(p)) {
        err.println("arbor scan: no such file or folder: " + p);
        err.flush();
        return USAGE;
      }
    }
    List<Scanned> results = new ArrayList<>();
    boolean ioError = false;
    if (remote.given()) {
      RemoteRepoFiles repoFiles = remote.open();
      for (RemoteFile file : repoFiles.files()) {
        try {
          results.add(new Scanned(file.path(), ModelFileScanner.scan(repoFiles.open(file).bytes(), file.path())));
        } catch (IOException e) {
          err.println("arbor scan: cannot read " + file.path() + ": " + e.getMessage());
          ioError = true;
        }
      }
    }
    for (Path root : paths) {
      for (Path file : files(root)) {
        String shown = display(root, file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
          results.add(new Scanned(shown, ModelFileScanner.scan(new ChannelByteSource(channel), shown)));
        } catch (IOException e) {
          err.println("arbor scan: cannot read " + shown + ": " + e.getMessage());
          ioError = true;
        }
      }
    }
    if (json) {
      out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(asJson(results)));
    } else {
      printHuman(out, results);
    }
    out.flush();
    err.flush();
    if (ioError) {
      return USAGE;
    }
    Verdict worst = Verdict.SAFE;
    for (Scanned s : results) {
      if (s.report().verdict().compareTo(worst) > 0) {
        worst = s.report().verdict();
      }
    }
    return switch (worst) {
      case SAFE -> 0;
      case SUSPICIOUS -> 1;
      case UNSAFE, ERROR -> 2;
    };
  }

  /** Regular files under {@code root} (or root itself), in path order, skipping {@code .git/} and symlinks. */
  private static List<Path> files(Path root) throws IOException {
    List<Path> found = new ArrayList<>();
    if (Files.isRegularFile(root, LinkOption.NOFOLLOW_LINKS) || !Files.isDirectory(root)) {
      if (Files.isRegularFile(root)) {
        found.add(root);
      }
      return found;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        return !dir.equals(root) && dir.getFileName().toString().equals(".git")
            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        if (attrs.isRegularFile()) {
          found.add(file);
        }
        return FileVisitResult.CONTINUE;
      }
    });
    found.sort(null);
    return found;
  }

  /** The path relative to the folder given (with '/'), or the file's name when a file was given. */
  private static String display(Path root, Path file) {
    Path rel = file.equals(root) ? file.getFileName() : root.relativize(file);
    return rel == null ? file.toString() : rel.toString().replace(file.getFileSystem().getSeparator(), "/");
  }

  private static void printHuman(PrintWriter out, List<Scanned> results) {
    Map<Verdict, Integer> counts = new EnumMap<>(Verdict.class);
    for (Scanned s : results) {
      Verdict v = s.report().verdict();
      counts.merge(v, 1, Integer::sum);
      out.printf("%-10s %s%n", v, s.path());
      if (v == Verdict.SAFE) {
        continue;
      }
      for (Finding f : s.report().atLeast(Severity.SUSPICIOUS)) {
        StringBuilder where = new StringBuilder();
        if (f.callable() != null) {
          where.append("callable ").append(f.callable());
        }
        if (f.member() != null) {
          where.append(where.isEmpty() ? "" : ", ").append("member ").append(f.member());
        }
        if (f.offset() >= 0) {
          where.append(where.isEmpty() ? "" : ", ").append("offset ").append(f.offset());
        }
        out.printf("  %-10s %s%s%n", f.severity(), f.message(), where.isEmpty() ? "" : " (" + where + ")");
      }
    }
    StringBuilder summary = new StringBuilder().append(results.size()).append(results.size() == 1 ? " file" : " files");
    String sep = ": ";
    for (Verdict v : Verdict.values()) {
      summary.append(sep).append(counts.getOrDefault(v, 0)).append(' ').append(v.name().toLowerCase(java.util.Locale.ROOT));
      sep = ", ";
    }
    out.println(summary);
  }

  private static List<Map<String, Object>> asJson(List<Scanned> results) {
    List<Map<String, Object>> files = new ArrayList<>();
    for (Scanned s : results) {
      List<Map<String, Object>> findings = new ArrayList<>();
      for (Finding f : s.report().findings()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("severity", f.severity().name());
        m.put("callable", f.callable());
        m.put("opcode", f.opcode());
        m.put("offset", f.offset());
        m.put("member", f.member());
        m.put("message", f.message());
        findings.add(m);
      }
      Map<String, Object> file = new LinkedHashMap<>();
      file.put("path", s.path());
      file.put("verdict", s.report().verdict().name());
      file.put("findings", findings);
      files.add(file);
    }
    return files;
  }
}
