package dev.umbra.shadow.grpc;

import dev.umbra.shadow.auth.TestTokens;
import static org.assertj.core.api.Assertions.assertThat;

import dev.umbra.shadow.ingest.SessionLimits;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.net.InetSocketAddress;
import java.util.Optional;
import io.grpc.Status;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How many primaries may stream at once: in all, and from one client address. */
class PrimaryLimitsTest {
  @TempDir Path data;
  private ApiFixture api;
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    api.close();
  }

  private ApiFixture.Agent connect(ManagedChannel channel, String primaryId) {
    ApiFixture.Agent agent = new ApiFixture.Agent(channel, primaryId);
    open.add(agent);
    return agent;
  }

  @Test
  void refusesOneMorePrimaryThanTheLimit_withResourceExhausted_andLetsItInOnceOneLeaves() throws Exception {
    api = new ApiFixture(data, new SessionLimits(3, 3));
    List<ApiFixture.Agent> agents = new ArrayList<>();
    for (String id : List.of("p1", "p2", "p3")) {
      agents.add(connect(api.channel, id));
      api.awaitConnected(id);
    }

    Status refused = connect(api.channel, "p4").awaitClosed();

    assertThat(refused.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(refused.getDescription()).isEqualTo(
        "the shadow already serves 3 connected primaries, its limit (max-primaries); retry later or use another shadow");
    assertThat(api.ingest.sessions().get("p4")).isEmpty();
    assertThat(api.serving()).isTrue();

    agents.get(1).close(); // p2 leaves
    assertThat(agents.get(1).awaitClosed().isOk()).isTrue();
    connect(api.channel, "p4");
    api.awaitConnected("p4");
  }

  @Test
  void letsAPrimaryReconnect_atTheLimit() throws Exception {
    api = new ApiFixture(data, new SessionLimits(2, 2));
    ApiFixture.Agent first = connect(api.channel, "p1");
    connect(api.channel, "p2");
    api.awaitConnected("p1");
    api.awaitConnected("p2");

    ApiFixture.Agent again = connect(api.channel, "p1"); // its old stream is still attached

    assertThat(first.awaitClosed().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
    assertThat(again.closed.isDone()).isFalse();
    assertThat(again.commands.poll(100, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void refusesOneMorePrimaryFromTheSameAddress_butNotFromAnother() throws Exception {
    api = new ApiFixture(data, new SessionLimits(10, 2));
    connect(api.channel, "a1");
    connect(api.channel, "a2");
    api.awaitConnected("a1");
    api.awaitConnected("a2");

    Status refused = connect(api.channel, "a3").awaitClosed();

    assertThat(refused.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(refused.getDescription()).contains("from this client's address").contains("max-primaries-per-address");
    // In process, a call's remote address is the server's name: a second server on the same
    // ingest stands for a second client address.
    String name = InProcessServerBuilder.generateName();
    Server second = InProcessServerBuilder.forName(name)
        .addService(ShadowApi.bind(new TelemetryGrpcService(api.ingest.service(), api.checkpoints),
            ShadowApi.interceptors(TestTokens.allRoles())))
        .build().start();
    open.add(() -> second.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    ManagedChannel other = InProcessChannelBuilder.forName(name).intercept(TestTokens.bearer(TestTokens.ALL)).build();
    open.add(() -> other.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    connect(other, "b1");
    api.awaitConnected("b1");
    assertThat(api.serving()).isTrue();
  }

  @Test
  void countsByHost_notByPort() throws Exception {
    api = new ApiFixture(data, SessionLimits.DEFAULT);

    assertThat(ClientAddressInterceptor.host(new InetSocketAddress("127.0.0.1", 40001)))
        .isEqualTo(ClientAddressInterceptor.host(new InetSocketAddress("127.0.0.1", 40002)))
        .isEqualTo("127.0.0.1");
  }
}
