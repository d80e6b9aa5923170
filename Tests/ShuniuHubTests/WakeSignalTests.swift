import ShuniuCore
import Testing

@Suite("Waking delivery workers")
struct WakeSignalTests {
    @Test("A wait ends on a signal, keeps one signal sent while not waiting, and otherwise times out")
    func waits() async {
        let signal = WakeSignal()
        let subscription = signal.subscribe()
        let clock = ContinuousClock()

        signal.signal()
        signal.signal()
        // Generous bounds: a loaded CI machine may be slow, but a missed signal would wait all 30 s.
        #expect(await clock.measure { await subscription.wait(upTo: .seconds(30)) } < .seconds(15))
        // Only one kept: the next wait times out.
        #expect(await clock.measure { await subscription.wait(upTo: .milliseconds(200)) } >= .milliseconds(200))

        async let woken: Duration = clock.measure { await subscription.wait(upTo: .seconds(30)) }
        try? await Task.sleep(for: .milliseconds(100))
        signal.signal()
        #expect(await woken < .seconds(15))
    }
}
