package org.arbor.client;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for transfer jobs: the first failure is rethrown as what it was, an interruption as a resumable stop. */
final class Jobs {
  private Jobs() {}

  static void awaitAll(List<? extends Future<?>> jobs) throws IOException {
    try {
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
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    }
  }
}
