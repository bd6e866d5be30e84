package org.arbor.app;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A round-robin load balancer in front of a cluster's nodes, as a team would run one: each
 * request goes to the next node that answered its last health check (a TCP connect every 200 ms),
 * streamed both ways by Jetty's reverse proxy. It counts the requests each node got, and the PUTs of
 * LFS bytes that came through it rather than straight to the object store.
 */
final class ClusterFront implements AutoCloseable {
  private final Server server;
  private final List<URI> nodes = new CopyOnWriteArrayList<>();
  private final List<Boolean> healthy = new CopyOnWriteArrayList<>();
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicLongArray served;
  private final java.util.concurrent.atomic.AtomicLong lfsPuts = new java.util.concurrent.atomic.AtomicLong();
  private final Thread checker;
  private volatile boolean running = true;

  private ClusterFront(Server server, List<URI> nodes) {
    this.server = server;
    this.nodes.addAll(nodes);
    nodes.forEach(n -> healthy.add(true));
    this.served = new AtomicLongArray(nodes.size());
    this.checker = Thread.ofPlatform().name("front-health").daemon().unstarted(this::checkHealth);
  }

  /** A front on a free port for {@code nodes} (base URLs), which need not be up yet. */
  static ClusterFront start(List<URI> nodes) throws Exception {
    Server server = new Server();
    // pass %2F and the like through untouched, as a load balancer does (the hub's paths use them)
    HttpConfiguration http = new HttpConfiguration();
    http.setUriCompliance(UriCompliance.UNSAFE);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    ClusterFront front = new ClusterFront(server, nodes);
    server.setHandler(new ProxyHandler.Reverse(front::pick));
    server.start();
    front.checker.start();
    return front;
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort());
  }

  long served(int node) {
    return served.get(node);
  }

  /** PUTs to the hub's own LFS upload URLs (whole objects or parts). */
  long lfsPutsThroughHub() {
    return lfsPuts.get();
  }

  private HttpURI pick(Request request) {
    int count = nodes.size();
    int start = Math.floorMod(next.getAndIncrement(), count);
    int chosen = start;
    for (int i = 0; i < count; i++) {
      int candidate = (start + i) % count;
      if (healthy.get(candidate)) {
        chosen = candidate;
        break;
      }
    }
    served.incrementAndGet(chosen);
    if (request.getMethod().equals("PUT") && request.getHttpURI().getPath().startsWith("/api/lfs/upload/")) {
      lfsPuts.incrementAndGet();
    }
    URI node = nodes.get(chosen);
    return HttpURI.build(request.getHttpURI()).scheme(node.getScheme()).host(node.getHost()).port(node.getPort())
        .asImmutable();
  }

  private void checkHealth() {
    while (running) {
      for (int i = 0; i < nodes.size(); i++) {
        healthy.set(i, reachable(nodes.get(i)));
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static boolean reachable(URI node) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(node.getHost(), node.getPort()), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() throws Exception {
    running = false;
    checker.interrupt();
    server.stop();
  }
}
