/* Explains what Docker just did, for learners running their first container. */
#include <unistd.h>

static const char message[] =
    "\n"
    "Hello from inside a container!\n"
    "\n"
    "If you can read this, your Docker sandbox works. Here is what just happened:\n"
    "\n"
    " 1. You typed `docker run hello-world`; the docker client sent that request\n"
    "    to the Docker daemon over its API.\n"
    " 2. The daemon looked for the \"hello-world\" image, did not find it locally,\n"
    "    and pulled it from a registry (in this course: the course's own mirror).\n"
    " 3. It created a container from the image and started this tiny program in it,\n"
    "    isolated from everything else on the machine.\n"
    " 4. The program's output travelled back through the daemon to your client,\n"
    "    which printed it in your terminal. Then the program ended, and so did the\n"
    "    container.\n"
    "\n"
    "Try `docker ps -a` to see the stopped container, or `docker run -it debian bash`\n"
    "for a shell in a Debian container.\n"
    "\n";

int main(void) {
    /* write(2) directly: no stdio buffering to lose if the container is stopped. */
    return write(1, message, sizeof message - 1) == (ssize_t)(sizeof message - 1) ? 0 : 1;
}
