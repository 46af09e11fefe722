use std::time::Instant;
#[test]
fn t() {
    for n in [100_000usize, 200_000, 400_000, 800_000, 1_600_000] {
        let a = "!".repeat(n) + "a";
        let b = ".".repeat(n) + "a";
        let c = "a.中".repeat(n / 3);
        let d = ("中".repeat(50) + ".中").repeat(n / 52);
        let mut out = vec![];
        for s in [&a, &b, &c, &d] {
            let mut best = f64::MAX;
            for _ in 0..3 { let t = Instant::now(); std::hint::black_box(narrate::text::sentences(s, 30)); best = best.min(t.elapsed().as_secs_f64()); }
            out.push(format!("{:.4}", best));
        }
        eprintln!("{n}: {}", out.join(" "));
    }
}
