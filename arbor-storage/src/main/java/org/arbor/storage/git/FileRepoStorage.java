package org.arbor.storage.git;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.util.FS;

/**
 * Bare repositories on disk, one folder per repository under a root, named by the repository's
 * storage key (its stable internal id, so renaming a repository never moves files).
 */
final class FileRepoStorage implements RepoStorage {
  private final Path root;
  private final Map<String, Repository> open = new ConcurrentHashMap<>();

  FileRepoStorage(Path root) throws IOException {
    this.root = Files.createDirectories(root);
    // JGit measures a file system's timestamp resolution once (about 3 s, then remembered in the
    // user's JGit config). In the background it would write probe files into whichever repository
    // it touched first, racing that repository's deletion; measure here, in the root, before serving.
    FS.FileStoreAttributes.setBackground(false);
    FS.FileStoreAttributes.get(this.root);
  }

  @Override
  public Repository create(String key, String defaultBranch) throws IOException {
    Path dir = dirOf(key);
    if (Files.exists(dir)) {
      throw new IOException("repository storage already exists: " + key);
    }
    Files.createDirectories(dir.getParent());
    try (Git git = Git.init().setBare(true).setDirectory(dir.toFile()).setInitialBranch(defaultBranch).call()) {
      StoredConfig config = git.getRepository().getConfig();
      config.setBoolean("core", null, "logallrefupdates", false);
      config.setBoolean("receive", null, "denyNonFastForwards", false);
      config.save();
    } catch (GitAPIException e) {
      throw new IOException("could not create repository " + key, e);
    }
    return open(key);
  }

  @Override
  public Repository open(String key) throws IOException {
    Repository repo = open.get(key);
    if (repo != null) {
      return repo;
    }
    Path dir = dirOf(key);
    if (!Files.isDirectory(dir)) {
      throw new IOException("no repository storage for " + key);
    }
    try {
      return open.computeIfAbsent(key, k -> {
        try {
          return new FileRepository(dir.toFile());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** It first leaves the key's path atomically, then is deleted. */
  @Override
  public void delete(String key) throws IOException {
    Repository repo = open.remove(key);
    if (repo != null) {
      repo.close();
    }
    Path dir = dirOf(key);
    if (!Files.exists(dir)) {
      return;
    }
    Path trash = Files.createDirectories(root.resolve(".trash")).resolve(key + "-" + UUID.randomUUID());
    Files.move(dir, trash, StandardCopyOption.ATOMIC_MOVE);
    deleteTree(trash);
  }

  @Override
  public void close() {
    open.values().forEach(Repository::close);
    open.clear();
  }

  private Path dirOf(String key) {
    return root.resolve(key.substring(0, 2)).resolve(key + ".git");
  }

  private static void deleteTree(Path dir) throws IOException {
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
