// The alloc probe's C++ target: alloc_pixels() gets 1 MiB with
// operator new[] per call and the caller never deletes it; std::vector and
// std::string churn in between (allocated and freed through operator new
// and delete). Usage: new_leak CALLS
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

__attribute__((noinline)) char *alloc_pixels()
{
	char *pixels = new char[1 << 20];
	std::memset(pixels, 0, 4096); // used after the call: never a tail call
	return pixels;
}

int main(int argc, char **argv)
{
	int calls = argc > 1 ? std::atoi(argv[1]) : 2;
	size_t sum = 0;
	for (int i = 0; i < 1000; i++) {
		std::vector<int> v(i + 1, i);
		std::string s(i + 32, 'x');
		sum += v.size() + s.size();
	}
	for (int i = 0; i < calls; i++)
		sum += (unsigned char)alloc_pixels()[i];
	std::printf("%zu\n", sum);
	return 0;
}
