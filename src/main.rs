use std::path::PathBuf;
fn main() {
    let path = PathBuf::from(std::env::args().nth(1).unwrap());
    let a = narrate::article::read(&path).unwrap();
    let s = narrate::script::build(&a);
    println!("{}", serde_json::to_string_pretty(&s).unwrap());
}
