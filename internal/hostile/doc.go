// Package hostile holds the test that runs containerize's readers on the malformed and hostile corpus in
// testdata/hostile (and on the huge inputs, wheels and index servers its test builds on the fly). Each case
// runs in a child process: it must end with a clear error naming its file or a correct result, write
// nothing, and stay within a bound of peak memory.
package hostile
