//! Times the sentence encoder alone (`SentenceEncoder::embed`) on utterances of 7 to 60
//! pieces, one core, and prints a hash of the embeddings' bits: a kernel change that keeps the
//! hash keeps the committed intent model's training reproducible (README, "Smaller and
//! faster").
//!
//! cargo run --release --example encoder_embed   (after `voxshop setup --encoder`)

use voxshop::intent::encoder::SentenceEncoder;

const TEXTS: [&str; 4] = [
    "pour activer ou désactiver le mode sourdine veuillez appuyer sur 1 pour vérrouiller ou \
     dévérouiller la conférence appuyez sur 2 pour éjecter le dernier participant appuyez sur 3 \
     pour quitter la conférence appuyez sur dièse",
    "pour activer ou désactiver le mode sourdine veuillez appuyer sur 1",
    "appuyez sur 2",
    "add two litres of oat milk to my shopping list",
];

fn main() -> Result<(), String> {
    let path = std::path::Path::new("models/intent/sentence_encoder.safetensors");
    let encoder = SentenceEncoder::load(path)
        .map_err(|e| format!("{}: {e} (run `voxshop setup --encoder`)", path.display()))?;
    for text in TEXTS {
        let reps = 200;
        for _ in 0..20 {
            std::hint::black_box(encoder.embed(text));
        }
        let t0 = std::time::Instant::now();
        for _ in 0..reps {
            std::hint::black_box(encoder.embed(text));
        }
        let ms = t0.elapsed().as_secs_f64() * 1e3 / reps as f64;
        println!("{:3} pieces: {ms:.3} ms", encoder.pieces(text).len());
    }
    let mut hash = 0u64;
    for text in TEXTS {
        for v in encoder.embed(text) {
            hash = hash.rotate_left(5) ^ u64::from(v.to_bits());
        }
    }
    println!("bits hash {hash:016x}");
    Ok(())
}
