// Decoder speed per format: one representative line each, decoded in auto mode (detection
// included), as the pipeline does. Run: build/ci/bench/decode_bench
#include <benchmark/benchmark.h>

#include "decode/decoder.h"

namespace pantau {
namespace {

void BM_Decode(benchmark::State& state, std::string_view line) {
  DecodeContext ctx;
  ctx.received = 1'795'000'000'000'000'000;
  ctx.input = "file";
  for (auto _ : state) {
    Event e = Decode(line, Format::kAuto, ctx);
    benchmark::DoNotOptimize(e);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * line.size()));
}

BENCHMARK_CAPTURE(BM_Decode, rfc3164_sshd,
                  "<38>Nov 27 10:00:00 web01 sshd[4242]: Failed password for invalid user admin "
                  "from 203.0.113.9 port 52113 ssh2");
BENCHMARK_CAPTURE(BM_Decode, rfc5424,
                  "<165>1 2026-11-27T10:00:00.123Z web01 app 4242 ID47 [meta seq=\"1\" "
                  "zone=\"dmz\"] request handled in 12 ms");
BENCHMARK_CAPTURE(
    BM_Decode, fortigate_traffic,
    "date=2026-11-27 time=10:00:00 devname=\"FG100E-KUKAR\" devid=\"FG100ETK19000000\" "
    "eventtime=1795000000000000000 tz=\"+0800\" logid=\"0000000013\" type=\"traffic\" "
    "subtype=\"forward\" level=\"notice\" vd=\"root\" srcip=10.1.1.5 srcport=51234 "
    "srcintf=\"port1\" srcintfrole=\"lan\" dstip=93.184.216.34 dstport=443 "
    "dstintf=\"wan1\" dstintfrole=\"wan\" sessionid=1234567 proto=6 action=\"accept\" "
    "policyid=12 policytype=\"policy\" service=\"HTTPS\" dstcountry=\"Indonesia\" "
    "srccountry=\"Reserved\" trandisp=\"snat\" duration=12 sentbyte=5120 "
    "rcvdbyte=20480 sentpkt=20 rcvdpkt=25 appcat=\"unscanned\"");
BENCHMARK_CAPTURE(BM_Decode, web_access,
                  "203.0.113.9 - - [27/Nov/2026:10:00:00 +0800] \"GET /wp-login.php HTTP/1.1\" 404 "
                  "512 \"-\" \"Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0\"");
BENCHMARK_CAPTURE(
    BM_Decode, json,
    "{\"@timestamp\":\"2026-11-27T10:00:00Z\",\"event\":{\"dataset\":\"app.audit\","
    "\"action\":\"login\"},\"user\":{\"name\":\"budi\"},\"source\":{\"ip\":\"10.1.2.3\"},"
    "\"message\":\"user budi logged in\"}");
BENCHMARK_CAPTURE(BM_Decode, cef,
                  "CEF:0|Fortinet|FortiWeb|7.0|30000|SQL Injection|8|src=203.0.113.9 spt=51234 "
                  "dst=10.1.1.20 dpt=443 act=blocked request=/login.php?id=1' suser=bob "
                  "msg=SQL injection attempt detected");
BENCHMARK_CAPTURE(BM_Decode, suricata_alert,
                  "{\"timestamp\":\"2026-11-27T10:00:00.123456+0700\",\"flow_id\":1234,"
                  "\"in_iface\":\"eth0\",\"event_type\":\"alert\",\"src_ip\":\"203.0.113.9\","
                  "\"src_port\":51234,\"dest_ip\":\"10.1.1.20\",\"dest_port\":80,\"proto\":\"TCP\","
                  "\"alert\":{\"action\":\"allowed\",\"signature_id\":2019401,\"rev\":3,"
                  "\"signature\":\"ET WEB_SERVER Possible SQL Injection\",\"category\":\"Web "
                  "Application Attack\",\"severity\":1},\"http\":{\"hostname\":\"pemda.example\","
                  "\"url\":\"/login.php?id=1\",\"http_method\":\"GET\",\"status\":200}}");

}  // namespace
}  // namespace pantau

BENCHMARK_MAIN();
