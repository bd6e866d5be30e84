package org.arbor.storage.git.dfs;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.arbor.core.GitHash;
import org.arbor.storage.git.BlobWriter;
import org.arbor.storage.git.CommitSpec;
import org.arbor.storage.git.GitRepo;
import org.arbor.storage.git.GitRepos;
import org.arbor.storage.git.TreeChange;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.UploadPack;

/**
 * Not a test: a full clone (JGit's UploadPack writing the whole pack to a null sink) of a
 * 10,000-file repository kept on disk, then on object storage (s3proxy + embedded PostgreSQL),
 * uncompacted (one pack per commit) and compacted. Prints milliseconds and the ratios; the goal is
 * object storage within 2x of the disk.
 *
 * <p>Run: {@code bench/git-dfs-bench [files] [commits] [rounds]}.
 */
public final class CloneBench {
  private static final String KEY = "0123456789abcdef01234567";

  public static void main(String[] args) throws Exception {
    int files = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int commits = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 7;
    Path dir = Files.createTempDirectory("arbor-clone-bench");
    try (DfsTestBed bed = DfsTestBed.start(dir, true);
        GitRepos disk = new GitRepos(dir.resolve("repos"));
        DfsRepoStorage storage = new DfsRepoStorage(bed.s3(), org.arbor.storage.blob.S3TestServer.BUCKET, "bench/",
            bed.db(), 256L << 20, java.time.Clock.systemUTC(), DfsRepoStorage.GRACE);
        GitRepos dfs = new GitRepos(storage)) {
      long t = System.nanoTime();
      GitHash head = build(disk.create(KEY, "main"), files, commits);
      System.out.printf("build on disk:            %6d ms (%d files, %d commits)%n", ms(t), files, commits);
      t = System.nanoTime();
      GitHash dfsHead = build(dfs.create(KEY, "main"), files, commits);
      System.out.printf("build on object storage:  %6d ms%n", ms(t));
      if (!head.equals(dfsHead)) {
        throw new IllegalStateException("the two repositories differ: " + head + " vs " + dfsHead);
      }

      long[] onDisk = clones(disk.repository(KEY), head, rounds);
      long[] onDfs = clones(dfs.repository(KEY), head, rounds);
      t = System.nanoTime();
      storage.compact(KEY);
      System.out.printf("compaction on object storage: %d ms%n", ms(t));
      long[] compacted = clones(dfs.repository(KEY), head, rounds);
      // another node: nothing of this repository cached in its repository objects (the block cache is per process)
      try (DfsRepoStorage other = new DfsRepoStorage(bed.s3(), org.arbor.storage.blob.S3TestServer.BUCKET, "bench/",
          bed.db(), 256L << 20, java.time.Clock.systemUTC(), DfsRepoStorage.GRACE)) {
        long[] otherNode = clones(new GitRepos(other).repository(KEY), head, 1);
        System.out.printf("%nfull clone, ms (first, then median of the rest)%n");
        print("disk", onDisk, onDisk);
        print("object storage", onDfs, onDisk);
        print("object storage, compacted", compacted, onDisk);
        System.out.printf("  %-28s first %6d%n", "compacted, a fresh node", otherNode[0]);
      }
    } finally {
      try (var walk = Files.walk(dir)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void print(String what, long[] times, long[] disk) {
    System.out.printf("  %-28s first %6d   median %6d   ratio to disk %.2f%n", what, times[0], median(times),
        (double) median(times) / median(disk));
  }

  private static GitHash build(GitRepo repo, int files, int commits) throws Exception {
    GitHash head = null;
    int perCommit = files / commits;
    for (int c = 0; c < commits; c++) {
      List<TreeChange> changes = new ArrayList<>();
      try (BlobWriter writer = repo.newBlobWriter()) {
        for (int i = c * perCommit; i < (c + 1) * perCommit; i++) {
          String text = "file " + i + "\n" + "line of text for a small file in a folder\n".repeat(4 + i % 5);
          changes.add(new TreeChange.Put("folder" + (i % 100) + "/file" + i + ".txt", writer.insert(text.getBytes(UTF_8))));
        }
        writer.flush();
      }
      head = repo.commit(new CommitSpec("refs/heads/main", Optional.ofNullable(head), false, changes, "Bench",
          "bench@example.com", "commit " + c, Instant.parse("2026-01-01T00:00:00Z").plusSeconds(c)));
    }
    return head;
  }

  /** Times {@code rounds} full clones: the first, then the others. */
  private static long[] clones(Repository repo, GitHash head, int rounds) throws IOException {
    long[] times = new long[rounds];
    for (int r = 0; r < rounds; r++) {
      long t = System.nanoTime();
      long bytes = clone(repo, head);
      times[r] = ms(t);
      if (bytes < 1000) {
        throw new IllegalStateException("a clone sent only " + bytes + " bytes");
      }
    }
    return times;
  }

  /** Protocol v0: want the head, done; the pack goes to a counting sink. */
  private static long clone(Repository repo, GitHash head) throws IOException {
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    PacketLineOut out = new PacketLineOut(request);
    out.writeString("want " + head.hex() + " ofs-delta\n");
    out.end();
    out.writeString("done\n");
    long[] count = {0};
    OutputStream sink = new OutputStream() {
      @Override
      public void write(int b) {
        count[0]++;
      }

      @Override
      public void write(byte[] b, int off, int len) {
        count[0] += len;
      }
    };
    UploadPack upload = new UploadPack(repo);
    upload.upload(new ByteArrayInputStream(request.toByteArray()), sink, null);
    return count[0];
  }

  private static long median(long[] times) {
    long[] rest = Arrays.copyOfRange(times, times.length > 1 ? 1 : 0, times.length);
    Arrays.sort(rest);
    return rest[rest.length / 2];
  }

  private static long ms(long since) {
    return (System.nanoTime() - since) / 1_000_000;
  }
}
