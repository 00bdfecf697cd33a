fn hwm() -> String {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("VmHWM") || l.starts_with("VmRSS"))
        .collect::<Vec<_>>()
        .join(" ")
}
fn main() {
    let p = std::env::args().nth(1).unwrap();
    let t = std::time::Instant::now();
    let d = sigmoid_nn::data::Dataset::from_csv_path(&p, None).unwrap();
    println!("{:?} rows {} {}", t.elapsed(), d.len(), hwm());
    let (mut tr, _te) = d.into_train_test_split(0.2, 0).unwrap();
    println!("{:?} split {}", t.elapsed(), hwm());
    let s = sigmoid_nn::data::Standardizer::fit(&tr.features);
    s.transform_inplace(&mut tr.features);
    println!("{:?} std {}", t.elapsed(), hwm());
}
