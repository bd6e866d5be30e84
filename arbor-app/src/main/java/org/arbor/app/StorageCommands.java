package org.arbor.app;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.arbor.server.web.Format;
import org.arbor.service.StorageUsage;
import org.arbor.service.XetCollector;
import org.arbor.storage.db.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code arbor admin storage} and {@code arbor admin xet-gc}: what storing the hub's content costs, and its garbage. */
final class StorageCommands {
  private StorageCommands() {}

  @Command(name = "storage", mixinStandardHelpOptions = true,
      description = "Show logical against stored bytes (Xet dedup) for the instance and each namespace.")
  static final class Storage implements Callable<Integer> {
    @Mixin DataOptions data;

    @Option(names = "--repos", description = "List every repository too")
    boolean repos;

    @Override
    public Integer call() throws Exception {
      HubConfig config = data.config(null);
      StorageUsage.Report report;
      try (Database db = HubApp.openDatabase(config)) {
        report = HubApp.storageReport(config, db, repos);
      }
      System.out.printf("%-40s %8s %8s %12s %12s %7s%n", "", "objects", "via Xet", "logical", "stored", "ratio");
      line("instance", report.instance().content());
      for (StorageUsage.Named ns : report.namespaces()) {
        line("  " + ns.name(), ns.usage());
      }
      for (StorageUsage.Named repo : report.repos()) {
        line("  " + repo.name(), repo.usage());
      }
      StorageUsage.InstanceUsage i = report.instance();
      System.out.printf("%d xorbs hold %s; %s of it in chunks no file names (collected after the grace period)%n",
          i.xorbs(), Format.bytes(i.xorbBytes()), Format.bytes(i.unreferencedChunkBytes()));
      return 0;
    }

    private static void line(String name, StorageUsage.Usage u) {
      System.out.printf(Locale.ROOT, "%-40s %8d %8d %12s %12s %7.3f%n", name, u.objects(), u.xetObjects(),
          Format.bytes(u.logicalBytes()), Format.bytes(u.storedBytes()), u.ratio());
    }
  }

  @Command(name = "xet-gc", mixinStandardHelpOptions = true,
      description = "Collect Xet garbage now: uploads never committed and xorbs no file names, once older than "
          + "the grace period (xet-gc-grace). The hub also does this every hour.")
  static final class XetGc implements Callable<Integer> {
    @Mixin DataOptions data;

    @Override
    public Integer call() throws Exception {
      HubConfig config = data.config(null);
      XetCollector.Result r;
      try (Database db = HubApp.openDatabase(config)) {
        r = HubApp.collectXetGarbage(config, db);
      }
      System.out.printf("removed %d uncommitted Xet files and %d xorbs, %s freed (grace %d h)%n", r.files(), r.xorbs(),
          Format.bytes(r.bytes()), config.xetGcGrace().toHours());
      return 0;
    }
  }
}
