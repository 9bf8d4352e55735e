package dev.umbra.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shadow option's list, spawn entries, token, TLS and spawn settings. */
class ShadowTargetsTest {

  private static ShadowTargets parse(String options) throws ConfigException {
    return AgentConfig.parse(options, Map.of(), Map.of()).shadow();
  }

  @Nested
  class Lists {
    @Test
    void takesAddressesSeparatedByBars_inOrder() throws Exception {
      ShadowTargets targets = parse("shadow=a:1|b:2|[::1]:3");

      assertThat(targets.targets()).extracting(t -> t.address().toString()).containsExactly("a:1", "b:2", "[::1]:3");
      assertThat(targets.targets()).noneMatch(ShadowTargets.Target::spawn);
      assertThat(targets).hasToString("a:1|b:2|[::1]:3");
    }

    @Test
    void takesAddressesSeparatedByCommas_evenAmongOtherOptions() throws Exception {
      AgentConfig config = AgentConfig.parse("shadow=a:1,b:2,criticality=high,log=info", Map.of(), Map.of());

      assertThat(config.shadow().targets()).extracting(t -> t.address().toString()).containsExactly("a:1", "b:2");
      assertThat(config.sampling().criticality()).isEqualTo(Criticality.HIGH);
    }

    @Test
    void takesAListFromTheEnvironment() throws Exception {
      ShadowTargets targets = AgentConfig.parse("", Map.of(), Map.of("UMBRA_SHADOW", "a:1,b:2")).shadow();

      assertThat(targets.targets()).hasSize(2);
    }

    @Test
    void stillRejectsAStrayWordAfterAnotherOption() {
      assertThatThrownBy(() -> parse("log=info,b:2")).hasMessageContaining("not key=value");
    }
  }

  @Nested
  class Spawn {
    @Test
    void spawnMeansTheDefaultLoopbackAddress() throws Exception {
      ShadowTargets targets = parse("shadow=spawn");

      assertThat(targets.targets()).containsExactly(new ShadowTargets.Target(new ShadowAddress("127.0.0.1", 7070), true));
      assertThat(targets).hasToString("spawn:127.0.0.1:7070");
    }

    @Test
    void spawnTakesAnotherLoopbackAddress_andMayComeBeforeRemoteShadows() throws Exception {
      ShadowTargets targets = parse("shadow=spawn:127.0.0.1:7171|fleet.example:7070");

      assertThat(targets.targets()).containsExactly(
          new ShadowTargets.Target(new ShadowAddress("127.0.0.1", 7171), true),
          new ShadowTargets.Target(new ShadowAddress("fleet.example", 7070), false));
    }

    @Test
    void refusesToSpawnOnANonLoopbackAddress() {
      assertThatThrownBy(() -> parse("shadow=spawn:10.0.0.1:7070"))
          .hasMessageContaining("loopback").hasMessageContaining("10.0.0.1");
    }

    @Test
    void refusesTwoSpawnEntries_andTlsWithSpawn() {
      assertThatThrownBy(() -> parse("shadow=spawn|spawn:127.0.0.1:7171")).hasMessageContaining("at most one");
      assertThatThrownBy(() -> parse("shadow=spawn,tls=true")).hasMessageContaining("plaintext");
    }

    @Test
    void readsTheSpawnSettings() throws Exception {
      SpawnSettings s = parse("shadow=spawn,home=/opt/umbra,spawn.heap=256m,spawn.offheap=128m,spawn.cpu=0.5,"
          + "spawn.memory=1g,spawn.idle=10s,spawn.data=/tmp/d,spawn.http.port=7171").spawn();

      assertThat(s.home()).contains(Path.of("/opt/umbra"));
      assertThat(s.heapBytes()).isEqualTo(256L << 20);
      assertThat(s.offHeapBytes()).isEqualTo(128L << 20);
      assertThat(s.cpuCores()).contains(0.5);
      assertThat(s.memoryBytes()).contains(1L << 30);
      assertThat(s.idleExit()).isEqualTo(Duration.ofSeconds(10));
      assertThat(s.dataDir()).contains(Path.of("/tmp/d"));
      assertThat(s.httpPort()).isEqualTo(7171);
    }

    @Test
    void takesUmbraHomeFromTheEnvironment_andDataUnderTheUsersHome() throws Exception {
      SpawnSettings s = AgentConfig.parse("shadow=spawn", Map.of("user.home", "/home/u"),
          Map.of("UMBRA_HOME", "/opt/umbra")).shadow().spawn();

      assertThat(s.home()).contains(Path.of("/opt/umbra"));
      assertThat(s.dataDir()).contains(Path.of("/home/u/.umbra/shadow"));
    }

    @Test
    void refusesAMemoryLimitBelowHeapPlusOffHeap_andBadSizes() {
      assertThatThrownBy(() -> parse("shadow=spawn,spawn.memory=600m"))
          .hasMessageContaining("spawn.memory").hasMessageContaining("768m");
      assertThatThrownBy(() -> parse("spawn.heap=lots")).hasMessageContaining("spawn.heap").hasMessageContaining("512m");
      assertThatThrownBy(() -> parse("spawn.heap=1m")).hasMessageContaining("at least 16m");
      assertThatThrownBy(() -> parse("spawn.cpu=0")).hasMessageContaining("spawn.cpu");
      assertThatThrownBy(() -> parse("spawn.idle=0s")).hasMessageContaining("positive");
    }
  }

  @Nested
  class Security {
    @Test
    void readsTokenAndTlsWithATrustedCertificate(@TempDir Path tmp) throws Exception {
      Path ca = Files.writeString(tmp.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");

      ShadowTargets targets =
          AgentConfig.parse("shadow=s.example:7070,tls.ca=" + ca, Map.of(), Map.of("UMBRA_TOKEN", "t0k")).shadow();

      assertThat(targets.token()).contains("t0k");
      assertThat(targets.tls()).contains(new ShadowTargets.Tls(Optional.of(ca)));
      assertThat(targets).hasToString("s.example:7070 (tls)");
    }

    @Test
    void readsTheTokenFromAFile_soThatItIsNotOnTheCommandLine(@TempDir Path tmp) throws Exception {
      Path file = Files.writeString(tmp.resolve("token"), "  s3cret\n");

      assertThat(parse("shadow=s.example:7070,token.file=" + file).token()).contains("s3cret");
      assertThat(AgentConfig.parse("", Map.of(), Map.of("UMBRA_TOKEN_FILE", file.toString())).shadow().token())
          .contains("s3cret");
    }

    @Test
    void refusesATokenFileThatCannotBeUsed(@TempDir Path tmp) throws Exception {
      Path empty = Files.writeString(tmp.resolve("empty"), "\n");
      Path two = Files.writeString(tmp.resolve("two"), "a\nb\n");

      assertThatThrownBy(() -> parse("token.file=" + tmp.resolve("missing")))
          .hasMessageStartingWith("bad value for token.file (agent option)").hasMessageContaining("cannot read it");
      assertThatThrownBy(() -> parse("token.file=" + empty)).hasMessageContaining("found nothing");
      assertThatThrownBy(() -> parse("token.file=" + two)).hasMessageContaining("several lines");
      assertThatThrownBy(() -> parse("token=x,token.file=" + empty)).hasMessageContaining("not both");
    }

    @Test
    void refusesATokenOnTheCommandLine_withoutEchoingIt() {
      assertThatThrownBy(() -> parse("token=t0k"))
          .hasMessage("token (agent option) is visible to every local user in the process list;"
              + " use token.file=FILE or UMBRA_TOKEN");
      assertThatThrownBy(() -> AgentConfig.parse("", Map.of("umbra.token", "t0k"), Map.of()))
          .hasMessageContaining("token (-Dumbra.token) is visible").hasMessageNotContaining("t0k");
    }

    @Test
    void looksForTheShadowsCredential_inTheSpawnDataFolder(@TempDir Path tmp) throws Exception {
      assertThat(parse("shadow=127.0.0.1:7070").credentialFile())
          .isEqualTo(Path.of(".umbra").toAbsolutePath().resolve("credentials/agent.token"));
      assertThat(parse("spawn.data=" + tmp).credentialFile()).isEqualTo(tmp.resolve("credentials/agent.token"));
    }

    @Test
    void tlsAloneUsesTheDefaultTrustStore() throws Exception {
      assertThat(parse("tls=true").tls()).contains(new ShadowTargets.Tls(Optional.empty()));
      assertThat(parse("").tls()).isEmpty();
    }

    @Test
    void refusesAMissingCertificateFile() {
      assertThatThrownBy(() -> parse("tls.ca=/no/such/ca.pem"))
          .hasMessageContaining("tls.ca").hasMessageContaining("/no/such/ca.pem");
    }
  }
}
