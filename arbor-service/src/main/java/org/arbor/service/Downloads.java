package org.arbor.service;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.arbor.core.RepoId;
import org.arbor.core.RepoType;
import org.arbor.core.Sha256;
import org.arbor.storage.db.DownloadRows;
import org.arbor.storage.db.RepoRow;
import org.arbor.storage.db.RepoRows;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Download counting, by a rule close to the Hub's. A download is a GET or HEAD, through resolve,
 * of a file that stands for the whole repository: for a model its root {@code config.json},
 * {@code model_index.json} (diffusers) or {@code adapter_config.json} (PEFT), or any {@code .gguf}
 * file (a complete model on its own); for a dataset any file but {@code README.md} and
 * {@code .gitattributes}; and a git fetch. Each caller (the user, or the client address when
 * anonymous) counts once per repository per UTC day. {@code downloads} is the last 30 days.
 */
public final class Downloads {
  private static final Set<String> MODEL_FILES = Set.of("config.json", "model_index.json", "adapter_config.json");
  private static final Set<String> NOT_DATA = Set.of("README.md", ".gitattributes");

  private static final Logger log = LoggerFactory.getLogger(Downloads.class);

  private final RepoRows repos;
  private final DownloadRows rows;
  private final RepoEvents events;
  private final Clock clock;
  private final AtomicLong refreshedDay = new AtomicLong(-1);

  public Downloads(RepoRows repos, DownloadRows rows, RepoEvents events, Clock clock) {
    this.events = events;
    this.repos = repos;
    this.rows = rows;
    this.clock = clock;
  }

  /** True if fetching {@code path} of a repository of this type counts as downloading it. */
  public static boolean counts(RepoType type, String path) {
    return switch (type) {
      case MODEL -> MODEL_FILES.contains(path) || path.toLowerCase(Locale.ROOT).endsWith(".gguf");
      case DATASET -> !NOT_DATA.contains(path);
      default -> false;
    };
  }

  /** Records a file fetch the caller was allowed; counts it if the rule says so. */
  public void fileFetched(Caller caller, String address, RepoType type, RepoId id, String path) {
    if (counts(type, path)) {
      record(caller, address, type, id);
    }
  }

  /** Records a git fetch of a repository the caller was allowed to read. */
  public void gitFetched(Caller caller, String address, RepoType type, RepoId id) {
    record(caller, address, type, id);
  }

  /**
   * Drops days older than the window from every repository's count, once per day: called at
   * start and then periodically by the app, never on a request. Until it runs on a new day, a
   * repository counted that day is already recomputed for it by {@link DownloadRows#record}.
   */
  public void refreshIfNewDay() {
    long today = today();
    long last = refreshedDay.get();
    if (last != today && refreshedDay.compareAndSet(last, today)) {
      rows.refreshWindows(today);
      events.everyCounterChanged();
    }
  }

  /** Counting never fails the fetch it counts: a database hiccup costs a count, not a download. */
  private void record(Caller caller, String address, RepoType type, RepoId id) {
    try {
      Optional<RepoRow> row = repos.find(type.singular(), id.namespace(), id.name());
      if (row.isPresent() && rows.record(row.get().id(), callerKey(caller, address), today())) {
        events.countersChanged(row.get().id());
      }
    } catch (RuntimeException e) {
      log.warn("could not count a download of {}", id, e);
    }
  }

  private long today() {
    return DownloadRows.day(clock.instant());
  }

  /** The user, or a hash of the address: addresses are not kept. */
  private static String callerKey(Caller caller, String address) {
    if (!caller.isAnonymous()) {
      return "u:" + caller.userId();
    }
    String hash = Sha256.digest(String.valueOf(address).getBytes(StandardCharsets.UTF_8)).hex();
    return "a:" + hash.substring(0, 32);
  }
}
