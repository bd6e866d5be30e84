package org.arbor.server;

import org.arbor.server.api.ApiServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The HTTP server: Jetty with one servlet context. Encoded slashes pass through untouched (the
 * Hub API puts {@code %2F} in revisions and paths), and nothing is compressed: weights don't
 * compress, and clients need exact sizes.
 */
public final class HubServer implements AutoCloseable {
  private final Server server;
  private final ServerConnector connector;

  public HubServer(String host, int port, ApiServlet api, org.arbor.server.git.GitHttp git) {
    QueuedThreadPool threads = new QueuedThreadPool(200, 8);
    threads.setName("arbor-http");
    this.server = new Server(threads);

    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setUriCompliance(UriCompliance.DEFAULT.with("arbor-hub",
        UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR,
        UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING,
        UriCompliance.Violation.AMBIGUOUS_EMPTY_SEGMENT));
    http.setOutputBufferSize(64 * 1024);
    HttpConnectionFactory http1 = new HttpConnectionFactory(http);
    http1.setInputBufferSize(64 * 1024); // uploads of multi-GB objects read in larger pieces
    this.connector = new ServerConnector(server, http1);
    connector.setHost(host);
    connector.setPort(port);
    server.addConnector(connector);

    ServletContextHandler context = new ServletContextHandler("/");
    context.getServletHandler().setDecodeAmbiguousURIs(true);
    git.install(context);
    context.addServlet(new ServletHolder("hub-api", api), "/*");
    server.setHandler(context);
    server.setStopTimeout(5_000);
  }

  public HubServer start() throws Exception {
    server.start();
    return this;
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return connector.getLocalPort();
  }

  public void join() throws InterruptedException {
    server.join();
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
